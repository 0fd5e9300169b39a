/** quota_budgets: the vendor calls spent per scope and window, shared by every invocation. */
import type { Sql } from "../db.ts";
import type { QuotaReservations } from "../quota_gate.ts";

export type BudgetStore = QuotaReservations;

export function createBudgetStore(sql: Sql): BudgetStore {
  return {
    async reserveQuotas(budgets, n) {
      const [row] = await sql<{ reopens: Date | null }[]>`
        select private.reserve_quotas(${sql.json(budgets as never)}, ${n}) as reopens`;
      return row.reopens;
    },
    async observeQuota(b, remaining) {
      await sql`
        select private.observe_quota(${b.scope}, ${b.period}, ${b.limit}, ${remaining},
          ${b.credential_id ?? null})`;
    },
  };
}
