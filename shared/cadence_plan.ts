/**
 * The cadence planner (ARCHITECTURE §5): how often each site of a quota scope is fetched, so that
 * a month of fetches fits the scope's monthly budget. Hourly when the budget pays for it; else the
 * shortest cadence that fits, from 2 to 24 hours. A wider cadence only spaces the fetches: every
 * fetch still starts at the site's watermark (less the lookback), so every interval is still
 * fetched, once per fetch that reaches it.
 *
 * The cost of a cadence is not guessed: the planner walks a month hour by hour with the same due
 * rule as `private.enqueue_due_jobs` (a site is due once its watermark is `cadence − 1` hours
 * behind the current hour) and the same windows as a run (`planWindows`, lookback included), and
 * counts the vendor's calls per window.
 */
import { type AlignedWindow, planWindows, type WindowPlan } from "./windows.ts";

/** Cadences that divide a day, so a site's fetches fall at the same hours every day. */
export const CADENCES = [1, 2, 3, 4, 6, 8, 12, 24] as const;

export interface CadenceInput {
  /** Sites that spend from the monthly budget. */
  sites: number;
  /** Calls a month the scope may make (the budget); undefined or Infinity: unlimited. */
  monthLimit?: number;
  /** The vendor's calls for one window of a site (SolarEdge power + energy: 2). */
  callsPerWindow: number;
  /** The windows and lookback a run uses; `now` and `syncedThrough` are the planner's own. */
  windows: Omit<WindowPlan, "now" | "syncedThrough">;
  /** Share of the budget left for discovery, token renewals, retries and resyncs. */
  reserve?: number;
}

export interface Cadence {
  hours: number;
  /** The calls a 31-day month costs the scope at this cadence. */
  monthlyCalls: number;
  /** False when even a daily fetch of every site overspends: some sites will wait for the month. */
  fits: boolean;
  /** Why the cadence is not hourly, for the site's status; null when it is. */
  note: string | null;
}

const HOUR = 3_600_000;
/** The longest month: a plan that fits it fits every month. */
const MONTH_HOURS = 31 * 24;

export function planCadence(input: CadenceInput): Cadence {
  const limit = input.monthLimit ?? Infinity;
  if (!Number.isFinite(limit) || input.sites === 0) {
    return { hours: 1, monthlyCalls: 0, fits: true, note: null };
  }
  const usable = Math.floor(limit * (1 - (input.reserve ?? 0.2)));
  let last: Cadence | undefined;
  for (const hours of CADENCES) {
    const monthlyCalls = input.sites * input.callsPerWindow * monthOfWindows(hours, input).length;
    const fits = monthlyCalls <= usable;
    last = { hours, monthlyCalls, fits, note: null };
    if (fits) {
      if (hours === 1) return last;
      return {
        ...last,
        note: `Fetched every ${hours} h: ${input.sites} sites share ${limit} calls a month; ` +
          `hourly would need ${
            input.sites * input.callsPerWindow * monthOfWindows(1, input).length
          }`,
      };
    }
  }
  return {
    ...last!,
    note: `Fetched every 24 h, and still short: ${input.sites} sites need about ` +
      `${last!.monthlyCalls} calls a month, the budget is ${limit}; sites wait once it is spent`,
  };
}

/**
 * The windows one site fetches over a month at a cadence, starting synced up to an aligned day:
 * each hour, a site that is due fetches from its watermark less the lookback to that hour.
 */
export function monthOfWindows(
  hours: number,
  input: Pick<CadenceInput, "windows">,
  start = Date.UTC(2026, 0, 5),
): AlignedWindow[] {
  const all: AlignedWindow[] = [];
  let syncedThrough = new Date(start);
  for (let h = 1; h <= MONTH_HOURS; h++) {
    const dueHour = start + h * HOUR;
    if (syncedThrough.getTime() >= dueHour - (hours - 1) * HOUR) continue;
    // A run starts a few minutes past the hour, after the enqueue at minute 5.
    const windows = planWindows({
      ...input.windows,
      now: new Date(dueHour + 7 * 60_000),
      syncedThrough,
    });
    all.push(...windows);
    if (windows.length > 0) syncedThrough = windows.at(-1)!.to;
  }
  return all;
}
