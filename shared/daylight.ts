/**
 * How complete one window is where it matters: of its intervals in the site's core daylight
 * hours (10:00 to 14:00 local time, where the sun is up at every latitude below 60° all year),
 * how many hold a reading. A night without readings is not a hole, and most vendors send none
 * then. The sites carry no location (only SMA lists coordinates), so sunrise and sunset are not
 * known: the core hours say less about mornings and evenings, but never count night as missing
 * (README, table of assumptions).
 */
import { offsetMinutes } from "./time.ts";
import type { Reading, Window } from "./types.ts";

/** The local hours [from, to) counted as daylight. */
export const CORE_DAYLIGHT = { fromHour: 10, toHour: 14 } as const;

export interface Daylight {
  expected: number;
  received: number;
}

const HOUR = 3_600_000;

export function daylightCoverage(
  readings: readonly Reading[],
  window: Window,
  timezone: string | null | undefined,
  resolutionMinutes: number,
): Daylight {
  const step = resolutionMinutes * 60_000;
  const zone = timezone || "UTC";
  // Readings belong to a window by their time in (from, to], as the adapters keep them
  // (site_data.ts inWindow): the interval [t - step, t) is daylight by its local start hour.
  const from = window.from.getTime();
  const to = window.to.getTime();
  const first = Math.floor(from / step) * step + step;
  const slots: boolean[] = [];
  let expected = 0;
  for (let end = first; end <= to; end += step) {
    const start = end - step;
    const local = start + offsetMinutes(new Date(start), zone) * 60_000;
    const hour = Math.floor(local / HOUR) % 24;
    const day = hour >= CORE_DAYLIGHT.fromHour && hour < CORE_DAYLIGHT.toHour;
    slots.push(day);
    if (day) expected++;
  }
  if (expected === 0) return { expected, received: 0 };
  const seen = new Set<number>();
  for (const r of readings) {
    const at = Date.parse(r.ts);
    if (!(at > from && at <= to)) continue;
    const slot = Math.ceil((at - first) / step);
    if (slots[slot]) seen.add(slot);
  }
  return { expected, received: seen.size };
}
