/** quota_budgets: the vendor calls spent per scope and window, shared by every invocation. */
import type { Sql } from "../db.ts";
import type { QuotaReservations } from "../quota_gate.ts";

/** Calls spent of one scope's minute budget: in the UTC minute before this one, and in this one. */
export interface MinuteUse {
  previous: number;
  current: number;
}

export interface BudgetStore extends QuotaReservations {
  minuteUse(scope: string): Promise<MinuteUse>;
}

export function createBudgetStore(sql: Sql): BudgetStore {
  return {
    async reserveQuotas(budgets, n) {
      const [row] = await sql<{ reopens: Date | null }[]>`
        select private.reserve_quotas(${sql.json(budgets as never)}, ${n}) as reopens`;
      return row.reopens;
    },
    async minuteUse(scope) {
      const rows = await sql<{ previous: number; current: number }[]>`
        select
          coalesce(sum(used) filter (where period_start < date_trunc('minute', now())), 0)::int
            as previous,
          coalesce(sum(used) filter (where period_start = date_trunc('minute', now())), 0)::int
            as current
        from public.quota_budgets
        where scope = ${scope} and period = 'minute'
          and period_start >= date_trunc('minute', now()) - interval '1 minute'`;
      return { previous: rows[0]?.previous ?? 0, current: rows[0]?.current ?? 0 };
    },
    async observeQuota(b, remaining) {
      await sql`
        select private.observe_quota(${b.scope}, ${b.period}, ${b.limit}, ${remaining},
          ${b.credential_id ?? null})`;
    },
  };
}
