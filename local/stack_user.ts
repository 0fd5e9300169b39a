/**
 * `deno task stack user add --email EMAIL --org ORG [--role owner|admin|member]`: a dashboard user
 * on the local stack. It creates (or finds) the user in `auth.users`, the organisation (an id, or a
 * name created when it does not exist) and the membership with its role, and prints a session
 * access token for the user, signed by the stack's auth key (stack_auth.ts). supabase-js invokes the
 * functions with that token as a dashboard would.
 */
import { parseArgs } from "node:util";
import { resolveOrganization } from "../shared/stores/organizations.ts";
import { signSession } from "./stack_auth.ts";
import { withStackDb } from "./stack_db.ts";

const USAGE =
  "Usage: deno task stack user add --email EMAIL --org ORG [--role owner|admin|member]\n";
const ROLES = ["owner", "admin", "member"];

export async function stackUser(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        email: { type: "string" },
        org: { type: "string" },
        role: { type: "string", default: "member" },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { email, org, role } = parsed.values;
  if (parsed.positionals[0] !== "add" || !email || !org) {
    console.error(USAGE);
    return 2;
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
    console.error(`Cannot add the user: ${email} is not an e-mail address`);
    return 2;
  }
  if (!ROLES.includes(role!)) {
    console.error(`Cannot add the user: --role must be one of ${ROLES.join(", ")}`);
    return 2;
  }
  const { userId, orgId } = await withStackDb(async (sql) =>
    await sql.begin(async (tx) => {
      // auth.users has no unique e-mail here (nor a lock): the transaction's advisory lock keeps
      // two adds of one address from making two users.
      await tx`select pg_advisory_xact_lock(hashtextextended('stack user ' || ${email}, 0))`;
      const [user] = await tx<{ id: string }[]>`
        with found as (select id from auth.users where email = ${email} limit 1),
        made as (
          insert into auth.users (email, email_confirmed_at) select ${email}, now()
          where not exists (select 1 from found) returning id
        )
        select id from found union all select id from made`;
      const { id: orgId } = await resolveOrganization(tx, org, "add the user");
      await tx`
        insert into public.organization_members (organization_id, user_id, role)
        values (${orgId}, ${user.id}, ${role!})
        on conflict (organization_id, user_id) do update set role = excluded.role`;
      return { userId: user.id, orgId };
    })
  );
  console.error(`User ${email} (${userId}) is ${role} of organisation ${orgId}; access token:`);
  console.log(await signSession({ id: userId, email }));
  return 0;
}
