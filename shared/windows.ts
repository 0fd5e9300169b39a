/**
 * Which time windows a scheduled run fetches for one site (ARCHITECTURE §5). Windows are UTC
 * instants aligned to the vendor's resolution, so DST changes never shorten or lengthen them.
 */
import type { Window } from "./types.ts";

const HOUR = 3_600_000;

export interface WindowPlan {
  now: Date;
  /** The site's watermark: everything before it is stored. */
  syncedThrough: Date | null;
  lookbackHours: number;
  resolutionMinutes: number;
  maxRangeHours: number;
  /** How far one run may reach back; the watermark carries the rest to the next run. */
  catchUpMaxHours: number;
  /** How much history a site gets on its first sync. */
  initialHistoryHours: number;
}

export function planWindows(plan: WindowPlan): Window[] {
  const step = plan.resolutionMinutes * 60_000;
  const end = floorTo(plan.now.getTime(), step);
  const anchor = plan.syncedThrough
    ? plan.syncedThrough.getTime() - plan.lookbackHours * HOUR
    : end - plan.initialHistoryHours * HOUR;
  const start = floorTo(Math.min(anchor, end), step);
  const last = Math.min(end, start + floorTo(plan.catchUpMaxHours * HOUR, step));
  return splitRange(start, last, floorTo(plan.maxRangeHours * HOUR, step));
}

/** An explicit range (a resync or `--lookback`) split into the vendor's largest calls. */
export function splitWindow(window: Window, resolutionMinutes: number, maxRangeHours: number) {
  const step = resolutionMinutes * 60_000;
  return splitRange(
    floorTo(window.from.getTime(), step),
    floorTo(window.to.getTime(), step),
    floorTo(maxRangeHours * HOUR, step),
  );
}

function splitRange(start: number, end: number, chunk: number): Window[] {
  const windows: Window[] = [];
  for (let from = start; from < end; from += chunk) {
    windows.push({ from: new Date(from), to: new Date(Math.min(from + chunk, end)) });
  }
  return windows;
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}
