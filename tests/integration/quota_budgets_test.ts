/**
 * Quota budgets under real concurrency: many invocations reserving from one budget at once, each
 * on its own connection, are granted exactly the limit between them, never more.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { env, stackTest } from "./helpers.ts";

const CONNECTIONS = 16;
const TRIES_EACH = 10;
const LIMIT = 37;

stackTest("parallel reservations are granted exactly the budget's limit", async (sql) => {
  const scope = `test:race:${crypto.randomUUID()}`;
  const clients = Array.from(
    { length: CONNECTIONS },
    () => postgres(env.SUPABASE_DB_URL, { max: 1, prepare: false, onnotice: () => {} }),
  );
  try {
    // Connect every client first so the reservations below start together.
    await Promise.all(clients.map((c) => c`select 1`));
    const granted = (await Promise.all(clients.map(async (client) => {
      let n = 0;
      for (let i = 0; i < TRIES_EACH; i++) {
        const [row] = await client<{ reopens: Date | null }[]>`
          select private.reserve_quota(${scope}, 'day', ${LIMIT}) as reopens`;
        if (row.reopens === null) n++;
        else assert.ok(row.reopens.getTime() > Date.now(), "a refusal names a later reopening");
      }
      return n;
    }))).reduce((a, b) => a + b, 0);

    assert.equal(granted, LIMIT);
    const [row] = await sql<{ used: number }[]>`
      select used from public.quota_budgets where scope = ${scope} and period = 'day'`;
    assert.equal(row.used, LIMIT);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await sql`delete from public.quota_budgets where scope = ${scope}`;
  }
});
