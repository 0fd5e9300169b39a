/**
 * Quota budgets under real concurrency: many invocations reserving from one budget at once, each
 * on its own connection, are granted exactly the limit between them, never more.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { RetriableError } from "../../shared/errors.ts";
import { QuotaGate } from "../../shared/quota_gate.ts";
import { createBudgetStore } from "../../shared/stores/budgets.ts";
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

stackTest(
  "gates of parallel invocations share one budget and defer, never overspend",
  async (sql) => {
    const scope = `test:gates:${crypto.randomUUID()}`;
    // A day's budget big enough for the gates to reserve ahead in chunks (121 / 40 → 3 a time).
    const budgets = [{ scope, period: "day" as const, limit: 121 }];
    const clients = Array.from(
      { length: 8 },
      () => postgres(env.SUPABASE_DB_URL, { max: 1, prepare: false, onnotice: () => {} }),
    );
    try {
      const outcomes = await Promise.all(clients.map(async (client) => {
        const gate = new QuotaGate(createBudgetStore(client));
        let granted = 0;
        let deferred: RetriableError | undefined;
        // More tries than the budget holds, so even a gate that won every race is refused.
        for (let i = 0; i < 200 && !deferred; i++) {
          try {
            await gate.take(budgets, {
              now: Date.now,
              sleep: () => Promise.reject(new Error("a day's refusal must not be awaited")),
              deadline: Date.now() + 60_000,
              label: "test",
            });
            granted++;
          } catch (e) {
            if (!(e instanceof RetriableError)) throw e;
            deferred = e;
          }
        }
        return { granted, deferred };
      }));
      const granted = outcomes.reduce((a, o) => a + o.granted, 0);
      const [row] = await sql<{ used: number }[]>`
      select used from public.quota_budgets where scope = ${scope} and period = 'day'`;
      // Calls reserved ahead but not taken when an invocation stops are spent, never given twice.
      assert.ok(granted <= 121 && row.used <= 121, `granted ${granted}, used ${row.used}`);
      assert.ok(granted >= 121 - 8 * 3, `at most a chunk per gate is left unused: ${granted}`);
      for (const o of outcomes) {
        assert.ok(o.deferred, "every gate was refused once the day was spent");
        assert.ok(o.deferred.retryAfterMs! > 0 && o.deferred.retryAfterMs! <= 86_400_000);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await sql`delete from public.quota_budgets where scope = ${scope}`;
    }
  },
);
