/**
 * What the bound (bound.ts) knows of each vendor as the local stack simulates it: the calls one
 * hourly window of a site needs, the page size of the site list, the concurrency the adapter's
 * spec allows per credential, and the rate limits the simulators enforce with the stack's set-up
 * (local/vendor_simulators.ts). Calls per site follow the vendors' APIs (vendors.md, corrections of
 * December 2026): any client needs them, ours or another.
 */
import { enphase } from "../supabase/functions/enphase/adapter.ts";
import { goodwe } from "../supabase/functions/goodwe/adapter.ts";
import { localDays } from "../supabase/functions/goodwe/instants.ts";
import { sma } from "../supabase/functions/sma/adapter.ts";
import { localDates } from "../supabase/functions/sma/plant.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";
import type { VendorModel } from "./bound.ts";
import type { BenchVendor } from "./fleet.ts";

const HOUR = 3_600_000;
const chunks = (w: { from: Date; to: Date }, hours: number) =>
  Math.max(1, Math.ceil((w.to.getTime() - w.from.getTime()) / (hours * HOUR)));

export const stackModels: Record<BenchVendor, VendorModel> = {
  // power and energy per call of at most 12 h; the site's zone is known, so no GET /sites/{id}.
  // 300 a minute per API key, a window opened by the first call (solaredge_rate_limit.ts).
  solaredge: {
    authCalls: 0,
    pageSize: 1000,
    siteCalls: (_site, w) => 2 * chunks(w, solaredge.spec.maxRangeHours),
    concurrency: solaredge.spec.rateLimits.concurrency,
    limits: [{ calls: 300, windowS: 60, aligned: false, scope: "credential" }],
    resolutionMinutes: solaredge.spec.resolutionMinutes,
  },
  // production_micro and production_meter per day of data (granularity=day); the stack's app is
  // on the Partner plan: 300 a calendar minute for the whole app (enphase_plans.ts, usage.ts).
  enphase: {
    authCalls: 0,
    pageSize: enphase.spec.pageSize,
    siteCalls: (_site, w) => 2 * chunks(w, 24),
    concurrency: enphase.spec.rateLimits.concurrency,
    limits: [{ calls: 300, windowS: 60, aligned: true, scope: "application" }],
    resolutionMinutes: enphase.spec.resolutionMinutes,
  },
  // One device list, then EnergyAndPowerPv and PowerAc of the one inverter per plant-local day;
  // the stack's client may make 10,000 calls per 5 minutes (vendor_simulators.ts).
  sma: {
    authCalls: 0,
    pageSize: Infinity,
    siteCalls: (site, w) => 1 + 2 * localDates(w, site.timeZone).length,
    concurrency: sma.spec.rateLimits.concurrency,
    limits: [{ calls: 10_000, windowS: 300, aligned: false, scope: "application" }],
    resolutionMinutes: sma.spec.resolutionMinutes,
  },
  // A login, then per plant the monitor detail and one pac curve per plant-local day; 120 a
  // minute per account (goodwe.ts default), a window opened by the first call.
  goodwe: {
    authCalls: 1,
    pageSize: goodwe.spec.pageSize,
    siteCalls: (site, w) => 1 + localDays(w, site.timeZone).length,
    concurrency: goodwe.spec.rateLimits.concurrency,
    limits: [{ calls: 120, windowS: 60, aligned: false, scope: "credential" }],
    resolutionMinutes: goodwe.spec.resolutionMinutes,
  },
};
