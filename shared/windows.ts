/**
 * Which windows a run fetches for one site (ARCHITECTURE §3 and §5). Time is cut into aligned
 * windows of a fixed length per vendor, and each window is one S3 object keyed by the window's
 * end. A fetch always covers its window from the window's start, up to the window's end or, for
 * the window that holds `now`, up to the last full interval. So two fetches that touch one window
 * cover the same interval, the current window's object only grows, and no object is ever
 * replaced by one that covers less of its window, whatever range (lookback, catch-up, resync)
 * asked for it.
 */
import { formatInZone, zonedToUtc } from "./time.ts";
import type { AdapterSpec, Window, WindowAlignment } from "./types.ts";

const HOUR = 3_600_000;

export type { WindowAlignment } from "./types.ts";

/** One aligned window: `to` is how far it is covered now, `end` the aligned end (the key). */
export interface AlignedWindow extends Window {
  end: Date;
}

export interface WindowPlan {
  now: Date;
  /** The site's watermark: everything before it is stored. */
  syncedThrough: Date | null;
  lookbackHours: number;
  resolutionMinutes: number;
  alignment: WindowAlignment;
  /** The site's IANA zone, for local-day windows; UTC days when unknown. */
  timezone?: string | null;
  /** How far one run may reach back; the watermark carries the rest to the next run. */
  catchUpMaxHours: number;
  /** How much history a site gets on its first sync. */
  initialHistoryHours: number;
}

/** The spec's alignment: `windowAlignment`, else `maxRangeHours` UTC hours. */
export function alignmentOf(spec: Pick<AdapterSpec, "maxRangeHours" | "windowAlignment">) {
  return spec.windowAlignment ?? { hours: spec.maxRangeHours };
}

/** A scheduled run: from the watermark minus the lookback to now, at most the catch-up limit. */
export function planWindows(plan: WindowPlan): AlignedWindow[] {
  const step = plan.resolutionMinutes * 60_000;
  const end = floorTo(plan.now.getTime(), step);
  const anchor = plan.syncedThrough
    ? plan.syncedThrough.getTime() - plan.lookbackHours * HOUR
    : end - plan.initialHistoryHours * HOUR;
  const start = floorTo(Math.min(anchor, end), step);
  const last = Math.min(end, start + floorTo(plan.catchUpMaxHours * HOUR, step));
  return alignedWindows({ from: new Date(start), to: new Date(last) }, plan);
}

/**
 * Every aligned window that a range (a lookback, a resync, a catch-up) touches, each covered
 * whole: from its start to its end, or to the last full interval before `now`.
 */
export function alignedWindows(
  range: Window,
  plan: Pick<WindowPlan, "now" | "resolutionMinutes" | "alignment" | "timezone">,
): AlignedWindow[] {
  const step = plan.resolutionMinutes * 60_000;
  const covered = floorTo(plan.now.getTime(), step);
  const last = Math.min(range.to.getTime(), covered);
  const windows: AlignedWindow[] = [];
  let at = range.from.getTime();
  while (at < last) {
    const [from, end] = windowAt(at, plan.alignment, plan.timezone || "UTC");
    const to = Math.min(end, covered);
    if (to > from) windows.push({ from: new Date(from), to: new Date(to), end: new Date(end) });
    // max(): a local midnight that does not exist (a DST jump at 00:00) can never stall the walk.
    at = Math.max(end, at + step);
  }
  return windows;
}

/** The start and end of the aligned window that holds the instant. */
export function windowAt(at: number, alignment: WindowAlignment, timeZone: string) {
  if ("hours" in alignment) {
    const length = alignment.hours * HOUR;
    const from = floorTo(at, length);
    return [from, from + length] as const;
  }
  const day = formatInZone(new Date(at), timeZone).slice(0, 10);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
  // Both ends come from the same conversion, so consecutive local days tile without gap.
  return [
    zonedToUtc(`${day}T00:00:00`, timeZone).getTime(),
    zonedToUtc(`${next}T00:00:00`, timeZone).getTime(),
  ] as const;
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}
