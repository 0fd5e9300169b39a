/**
 * Plans the cadence of a vendor's sites (cadence_plan.ts) from its monthly quota budgets, at the
 * start of each queue invocation, and stores it on the sites for the hourly enqueue. Each monthly
 * budget is planned over the sites that spend from it (an app's: every credential's; a key's or a
 * credential's own cap: its sites); a credential under two budgets takes the wider cadence.
 */
import { type Cadence, planCadence } from "./cadence_plan.ts";
import type { Config } from "./config.ts";
import { resolveQuotas } from "./quota_plan.ts";
import type { SiteStore } from "./store.ts";
import type { AdapterSpec, VendorConfig } from "./types.ts";
import { alignmentOf } from "./windows.ts";

export interface CadenceDeps {
  spec: AdapterSpec;
  store: Pick<SiteStore, "cadenceScopes" | "setCadence">;
  vendorConfig?: VendorConfig;
  config: Pick<Config, "lookbackHours" | "catchUpMaxHours" | "initialHistoryHours">;
}

/** The cadence set on each credential's sites. */
export async function planSiteCadences(deps: CadenceDeps): Promise<Map<string, Cadence>> {
  const { spec, config } = deps;
  const rows = await deps.store.cadenceScopes(spec.source);
  const scopes = new Map<string, { limit: number; credentials: string[]; sites: number }>();
  for (const row of rows) {
    let budgets;
    try {
      budgets = resolveQuotas(spec, row, deps.vendorConfig ?? {}).budgets;
    } catch {
      // A plan that cannot be read fails that credential's own runs, with its message.
      continue;
    }
    for (const b of budgets.filter((b) => b.period === "month")) {
      const scope = scopes.get(b.scope) ?? { limit: b.limit, credentials: [], sites: 0 };
      scope.limit = Math.min(scope.limit, b.limit);
      scope.credentials.push(row.id);
      scope.sites += row.sites;
      scopes.set(b.scope, scope);
    }
  }
  const hourly: Cadence = { hours: 1, monthlyCalls: 0, fits: true, note: null };
  const chosen = new Map<string, Cadence>(rows.map((r) => [r.id, hourly]));
  for (const scope of scopes.values()) {
    const cadence = planCadence({
      sites: scope.sites,
      monthLimit: scope.limit,
      callsPerWindow: spec.callsPerWindow ?? 2,
      windows: {
        lookbackHours: config.lookbackHours,
        catchUpMaxHours: config.catchUpMaxHours,
        initialHistoryHours: config.initialHistoryHours,
        resolutionMinutes: spec.resolutionMinutes,
        alignment: alignmentOf(spec),
      },
    });
    for (const id of scope.credentials) {
      if (cadence.hours > chosen.get(id)!.hours) chosen.set(id, cadence);
    }
  }
  const groups = Map.groupBy(chosen, ([, c]) => `${c.hours}\u0000${c.note ?? ""}`);
  for (const members of groups.values()) {
    const [, cadence] = members[0];
    await deps.store.setCadence(members.map(([id]) => id), cadence.hours, cadence.note);
  }
  return chosen;
}
