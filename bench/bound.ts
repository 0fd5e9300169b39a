/**
 * The bound: the soonest any client could finish one hourly cycle of the fleet against the
 * simulators, given the calls the vendors' APIs need, their rate limits and the latency. Pure.
 *
 *   bound_s = max( max over rate scopes s of   rate_s + latency,
 *                  max over credentials c of   ceil(calls_c / concurrency_v) * latency,
 *                  chain * latency ) + s3_latency
 *
 * where rate_s is how long the calls of scope s must wait for the limit's windows to open:
 * with n = ceil(calls_s / limit) windows, a window opened by the first call (SolarEdge, SMA,
 * GoodWe in the simulators) gives (n - 1) * W; a window on the calendar (Enphase's minute) gives
 * 0 for n = 1, else the seconds left of the current window at the start plus (n - 2) * W. `chain`
 * is the longest run of calls that must follow each other (log in, list, then a site's data).
 * README.md derives it.
 */
import type { BenchVendor, FleetPlan, PlannedSite } from "./fleet.ts";

export interface RateLimit {
  calls: number;
  windowS: number;
  /** Windows on the calendar (Enphase: the minute) instead of opened by the first call. */
  aligned: boolean;
  /** Who shares it: each credential, or one application for all of a vendor's credentials. */
  scope: "credential" | "application";
}

export interface VendorModel {
  /** Calls before the list: a login (GoodWe). A valid OAuth token needs none. */
  authCalls: number;
  /** Sites per page of the site list. */
  pageSize: number;
  /** Calls for one site and window. */
  siteCalls(site: PlannedSite, window: { from: Date; to: Date }): number;
  /** Concurrent calls per credential, from the adapter's spec. */
  concurrency: number;
  limits: RateLimit[];
  resolutionMinutes: number;
}

export interface BoundInput {
  plan: FleetPlan;
  models: Record<BenchVendor, VendorModel>;
  /** When the cycle starts, and the watermark every site stands at. */
  start: Date;
  syncedThrough: Date;
  lookbackHours: number;
  latencyMs: number;
  s3LatencyMs: number;
}

export interface ScopeLoad {
  vendor: BenchVendor;
  scope: string;
  calls: number;
  seconds: number;
  why: "rate" | "concurrency";
}

export interface Bound {
  boundS: number;
  /** Vendor calls the fleet needs at the least, and per site. */
  calls: number;
  /** The scope that sets the bound (the slowest). */
  limiting: ScopeLoad;
  scopes: ScopeLoad[];
}

/** How long `calls` must wait for windows of `limit` to open, from `startMs` (epoch ms). */
export function rateWaitSeconds(calls: number, limit: RateLimit, startMs: number): number {
  const windows = Math.ceil(calls / limit.calls);
  if (windows <= 1) return 0;
  if (!limit.aligned) return (windows - 1) * limit.windowS;
  const windowMs = limit.windowS * 1000;
  const left = (windowMs - (startMs % windowMs)) / 1000;
  return left + (windows - 2) * limit.windowS;
}

/** The window one hourly run fetches for a site: from the watermark less the lookback to now. */
export function cycleWindow(
  start: Date,
  syncedThrough: Date,
  lookbackHours: number,
  resolutionMinutes: number,
) {
  const step = resolutionMinutes * 60_000;
  const floor = (ms: number) => Math.floor(ms / step) * step;
  return {
    from: new Date(floor(syncedThrough.getTime() - lookbackHours * 3_600_000)),
    to: new Date(floor(start.getTime())),
  };
}

export function computeBound(input: BoundInput): Bound {
  const latencyS = input.latencyMs / 1000;
  const scopes: ScopeLoad[] = [];
  const shared = new Map<string, { vendor: BenchVendor; limit: RateLimit; calls: number }>();
  let total = 0;
  let chain = 0;
  input.plan.credentials.forEach((c, i) => {
    const model = input.models[c.vendor];
    const window = cycleWindow(
      input.start,
      input.syncedThrough,
      input.lookbackHours,
      model.resolutionMinutes,
    );
    const pages = Math.max(1, Math.ceil(c.sites.length / model.pageSize));
    const perSite = c.sites.map((s) => model.siteCalls(s, window));
    const calls = model.authCalls + pages + perSite.reduce((a, b) => a + b, 0);
    total += calls;
    chain = Math.max(chain, model.authCalls + pages + (perSite.length > 0 ? 1 : 0));
    scopes.push({
      vendor: c.vendor,
      scope: `${c.vendor} credential ${i + 1} (${c.sites.length} sites)`,
      calls,
      seconds: Math.ceil(calls / model.concurrency) * latencyS,
      why: "concurrency",
    });
    model.limits.forEach((limit, l) => {
      const key = limit.scope === "application" ? `${c.vendor} application` : `${c.label}`;
      const id = `${key} limit ${l}`;
      const entry = shared.get(id) ?? { vendor: c.vendor, limit, calls: 0 };
      entry.calls += calls;
      shared.set(id, entry);
    });
  });
  for (const [id, { vendor, limit, calls }] of shared) {
    scopes.push({
      vendor,
      scope: `${id.replace(/ limit \d+$/, "")}: ${limit.calls} per ${limit.windowS} s`,
      calls,
      seconds: rateWaitSeconds(calls, limit, input.start.getTime()) + latencyS,
      why: "rate",
    });
  }
  scopes.push({
    vendor: input.plan.credentials[0]?.vendor ?? "solaredge",
    scope: "calls that must follow each other (login, list pages, a site's data)",
    calls: chain,
    seconds: chain * latencyS,
    why: "concurrency",
  });
  const limiting = scopes.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  return {
    boundS: limiting.seconds + input.s3LatencyMs / 1000,
    calls: total,
    limiting,
    scopes,
  };
}
