/**
 * Plant-local days and wall-clock times to UTC instants. A day's pac curve is a sequence of local
 * times; on the autumn DST change one hour of wall clock happens twice, and only the order of the
 * samples says which of the two instants each one is.
 */
import { formatInZone, offsetMinutes, zonedToUtc } from "../../../shared/time.ts";
import type { Window } from "../../../shared/types.ts";

const HOUR = 3_600_000;

/** The plant-local dates (`YYYY-MM-DD`) of the instants in (from, to]. */
export function localDays(window: Window, timeZone: string): string[] {
  const first = formatInZone(new Date(window.from.getTime() + 1), timeZone).slice(0, 10);
  const last = formatInZone(window.to, timeZone).slice(0, 10);
  const days: string[] = [];
  for (let day = first; day <= last; day = nextDay(day)) days.push(day);
  return days;
}

/**
 * UTC epoch ms for each local `YYYY-MM-DDTHH:mm:ss` (null stays null). A repeated wall-clock time
 * takes the first of its instants after the previous sample; a time that does not exist (the
 * spring gap) is read as the instant `zonedToUtc` gives.
 */
export function instantsInOrder(locals: (string | null)[], timeZone: string): (number | null)[] {
  let previous = -Infinity;
  return locals.map((local) => {
    if (local === null) return null;
    const options = candidates(local, timeZone);
    const pick = options.find((t) => t > previous) ?? options[0];
    previous = Math.max(previous, pick);
    return pick;
  });
}

function candidates(local: string, timeZone: string): number[] {
  const naive = Date.parse(`${local}Z`);
  const found = new Set<number>();
  // Offsets half a day either side cover the one before and the one after any change nearby.
  for (const probe of [naive - 14 * HOUR, naive + 14 * HOUR]) {
    const t = naive - offsetMinutes(new Date(probe), timeZone) * 60_000;
    if (naive - t === offsetMinutes(new Date(t), timeZone) * 60_000) found.add(t);
  }
  if (found.size === 0) found.add(zonedToUtc(local, timeZone).getTime());
  return [...found].sort((a, b) => a - b);
}

function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) + 24 * HOUR;
  return new Date(t).toISOString().slice(0, 10);
}
