/**
 * The one place that decides a credential's vendor quotas. Every limit comes from, in this order,
 * the credential's plan (`inverter_credentials.plan`), the app's environment
 * (`<VENDOR>_PER_MINUTE`, `_PER_FIVE_MINUTES`, `_PER_DAY`, `_PER_MONTH`) and the adapter's spec,
 * and is scoped the way the vendor counts it: per application for Enphase and SMA (vendors.md,
 * "Corrections, December 2026"), per key or account for SolarEdge and GoodWe. Both the shared
 * Postgres budgets (`quota_budgets`) and the in-memory pacer are built from this answer.
 */
import { BadRecordError } from "./errors.ts";
import type { CredentialRow } from "./store.ts";
import type { AdapterSpec, VendorConfig } from "./types.ts";
import { vendorEntry } from "./vendors.ts";

export type QuotaPeriod = "minute" | "5 minutes" | "day" | "month";

/** One budget a vendor call spends from, as `private.reserve_quotas` takes it. */
export interface QuotaBudget {
  scope: string;
  period: QuotaPeriod;
  limit: number;
  /** Set when the scope is the credential's own, so its organisation can read the row. */
  credential_id?: string;
}

/** The limits a plan may set; any other key of `plan` is not a limit and is left alone. */
export interface QuotaPlan {
  perMinute?: number;
  perFiveMinutes?: number;
  perDay?: number;
  perMonth?: number;
}

const PERIODS: ReadonlyArray<[keyof QuotaPlan, QuotaPeriod, string]> = [
  ["perMinute", "minute", "PER_MINUTE"],
  ["perFiveMinutes", "5 minutes", "PER_FIVE_MINUTES"],
  ["perDay", "day", "PER_DAY"],
  ["perMonth", "month", "PER_MONTH"],
];

export interface ResolvedQuotas {
  budgets: QuotaBudget[];
  /** The scope a vendor's `x-ratelimit-*-minute` headers describe (SolarEdge: one key's). */
  headerScope: string;
  /** The tightest short window, for the in-memory pacer of one credential. */
  pacing: { perMinute?: number; window?: { limit: number; windowMs: number } };
}

export function resolveQuotas(
  spec: AdapterSpec,
  row: Pick<CredentialRow, "id" | "label" | "plan">,
  vendorConfig: VendorConfig,
): ResolvedQuotas {
  const plan = readPlan(row);
  const prefix = spec.source.toUpperCase();
  const vendor = vendorEntry(spec.source);
  // An application's quota is shared by all its credentials; a key's or an account's is its own.
  const appVar = vendor.quotaScope === "app" ? vendor.appEnv : undefined;
  const scope = appVar
    ? `${spec.source}:app:${vendorConfig[appVar] || "default"}`
    : `${spec.source}:${vendor.quotaScope}:${row.id}`;
  const budgets: QuotaBudget[] = [];
  const limits: Partial<Record<QuotaPeriod, number>> = {};
  for (const [key, period, suffix] of PERIODS) {
    const app = positive(vendorConfig[`${prefix}_${suffix}`]) ??
      (spec.rateLimits as QuotaPlan)[key];
    if (appVar) {
      // The app's limit holds for all of its credentials; a plan adds the credential's own cap.
      if (app) budgets.push({ scope, period, limit: app });
      if (plan[key]) {
        budgets.push({
          scope: `${spec.source}:credential:${row.id}`,
          period,
          limit: plan[key],
          credential_id: row.id,
        });
      }
      limits[period] = Math.min(plan[key] ?? Infinity, app ?? Infinity);
    } else {
      const limit = plan[key] ?? app;
      if (limit) budgets.push({ scope, period, limit, credential_id: row.id });
      limits[period] = limit;
    }
  }
  for (const b of budgets) {
    // SMA publishes neither the alignment of its 5-minute windows nor headers (vendors.md §3.5);
    // a window of the vendor's overlaps two of our UTC-aligned ones, so each may spend only half.
    if (b.period === "5 minutes") b.limit = Math.max(1, Math.floor(b.limit / 2));
  }
  const finite = (n: number | undefined) => n !== undefined && Number.isFinite(n) ? n : undefined;
  const perFive = finite(limits["5 minutes"]);
  return {
    budgets,
    headerScope: `${spec.source}:key:${row.id}`,
    pacing: perFive
      ? { window: { limit: perFive, windowMs: 300_000 } }
      : { perMinute: finite(limits.minute) },
  };
}

function readPlan(row: Pick<CredentialRow, "label" | "plan">): QuotaPlan {
  const plan: QuotaPlan = {};
  const raw = row.plan ?? {};
  for (const [key] of PERIODS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new BadRecordError(
        `Cannot use the plan of credential "${row.label}": ${key} must be a whole number of calls above 0, not ${
          JSON.stringify(value)?.slice(0, 40)
        }`,
      );
    }
    plan[key] = value;
  }
  return plan;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}
