/**
 * The organisation an operator's `--org` names: an id, which must exist, or a name, which is
 * created when no organisation has it yet (the oldest one wins when several do).
 */
import type postgres from "postgres";
import type { Sql } from "../db.ts";
import { isUuid } from "../uuid.ts";

export async function resolveOrganization(
  sql: Sql | postgres.TransactionSql,
  org: string,
  action: string,
): Promise<{ id: string; created: boolean }> {
  if (isUuid(org)) {
    const found = await sql`select id from public.organizations where id = ${org}`;
    if (found.length === 0) throw new Error(`Cannot ${action}: organisation ${org} does not exist`);
    return { id: org, created: false };
  }
  const [existing] = await sql<{ id: string }[]>`
    select id from public.organizations where name = ${org} order by created_at limit 1`;
  if (existing) return { id: existing.id, created: false };
  const [made] = await sql<{ id: string }[]>`
    insert into public.organizations (name) values (${org}) returning id`;
  return { id: made.id, created: true };
}
