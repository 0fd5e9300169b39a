/**
 * The calls that cover one UTC window when SolarEdge V2 wants `from`/`to` as site-local wall times
 * WITHOUT an offset (`from=2026-05-01T00:00:00`) and allows at most 12 hours per call at
 * QUARTER_HOUR (vendors.md, Corrections December 2026).
 *
 * A wall time in the hour that repeats at a DST fall-back names two instants, and the API does not
 * say which one it takes. So a call never relies on the choice: when the window's start would be
 * read as the later instant, the call starts one repeat earlier (before the repeated hour); when
 * its end could be read as the earlier instant, it ends one repeat later. Either reading then
 * covers the window, the extra quarter hours are filtered out by their offset timestamps, and
 * nothing is lost or stored twice. Neither is it said whether the 12 hours are counted on the wall
 * clock (a 12 h window over spring-forward is 13 wall hours) or in elapsed time (a fall-back call
 * may be read an hour longer): a call must pass both counts, else the window is halved.
 */
import { offsetMinutes } from "../../../shared/time.ts";
import type { Window } from "../../../shared/types.ts";

export interface LocalCall {
  /** Site-local wall time without offset, `YYYY-MM-DDTHH:MM:SS`. */
  from: string;
  to: string;
}

const DAY = 86_400_000;

/** The wall time of an instant in the zone, without offset. */
export function wallTime(at: number, timeZone: string): string {
  const local = Math.floor(at / 1000) * 1000 + offsetMinutes(new Date(at), timeZone) * 60_000;
  return new Date(local).toISOString().slice(0, 19);
}

/** Every instant whose wall time in the zone is `wall` (two in a repeated hour), ascending. */
export function readingsOf(wall: string, timeZone: string, near: number): number[] {
  const naive = Date.parse(`${wall}Z`);
  const offsets = new Set(
    [near - DAY, near, near + DAY].map((t) => offsetMinutes(new Date(t), timeZone)),
  );
  return [...offsets]
    .map((o) => naive - o * 60_000)
    .filter((t) => wallTime(t, timeZone) === wall)
    .sort((a, b) => a - b);
}

export function localCalls(
  window: Window,
  timeZone: string,
  maxSpanMs: number,
  stepMs: number,
): LocalCall[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  let start = from;
  const startReadings = readingsOf(wallTime(from, timeZone), timeZone, from);
  const latest = startReadings.at(-1) ?? from;
  if (latest > from) start = from - (latest - from);
  let end = to;
  const endReadings = readingsOf(wallTime(to, timeZone), timeZone, to);
  const earliest = endReadings[0] ?? to;
  if (earliest < to) end = to + (to - earliest);

  const fromWall = wallTime(start, timeZone);
  const toWall = wallTime(end, timeZone);
  const elapsed = (readingsOf(toWall, timeZone, end).at(-1) ?? end) -
    (readingsOf(fromWall, timeZone, start)[0] ?? start);
  const onTheWall = Date.parse(`${toWall}Z`) - Date.parse(`${fromWall}Z`);
  if ((elapsed <= maxSpanMs && onTheWall <= maxSpanMs) || to - from <= stepMs) {
    return [{ from: fromWall, to: toWall }];
  }
  const middle = from + Math.max(stepMs, Math.floor((to - from) / 2 / stepMs) * stepMs);
  return [
    ...localCalls({ from: window.from, to: new Date(middle) }, timeZone, maxSpanMs, stepMs),
    ...localCalls({ from: new Date(middle), to: window.to }, timeZone, maxSpanMs, stepMs),
  ];
}
