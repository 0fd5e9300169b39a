/** rate_limit_budgets: the calls a credential spent of its vendor quotas. */
import type { Sql } from "../db.ts";

export interface BudgetStore {
  /**
   * Spends one call of the credential's monthly budget; false when the month's `limit` is spent.
   * `periodStart` is the first day of the month (UTC), `YYYY-MM-01`.
   */
  spendBudget(credentialId: string, periodStart: string, limit: number): Promise<boolean>;
}

export function createBudgetStore(sql: Sql): BudgetStore {
  return {
    async spendBudget(credentialId, periodStart, limit) {
      const rows = await sql`
        insert into public.rate_limit_budgets (credential_id, period_start, calls, call_limit)
        values (${credentialId}, ${periodStart}, 1, ${limit})
        on conflict (credential_id, period_start) do update
        set calls = rate_limit_budgets.calls + 1, call_limit = excluded.call_limit,
            updated_at = now()
        where rate_limit_budgets.calls < excluded.call_limit
        returning calls`;
      return rows.length > 0;
    },
  };
}
