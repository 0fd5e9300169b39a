/**
 * Reads SMA's plant-local wall times without offset (`2025-03-28T06:50:00`, vendors.md §3.4) as
 * UTC instants, entry by entry in the order a set lists them, because the order is what tells the
 * two passes of an autumn hour apart.
 *
 * - Spring gap: a wall time inside the skipped hour names no instant. SMA stamps the interval that
 *   ends at the change with the later clock (03:00 in Berlin), so such a time is not expected; it
 *   is rejected (null) rather than guessed, since any guess is the instant of a neighbouring
 *   interval and would make a duplicate.
 * - Autumn repeat: a wall time in the repeated hour names two instants and a day set lists both
 *   passes, the earlier (summer time) first. Each time is read as its earliest instant after the
 *   previous entry's, so the first pass maps to summer time and the second to standard time.
 *   Limitation: when the whole first pass is missing (a sleeping inverter whose entries SMA omits),
 *   a lone second pass reads as the first, an hour early; it cannot collide with anything.
 */
import { offsetMinutes } from "../../../shared/time.ts";

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const DAY_MS = 86_400_000;

/** A reader for one set: returns epoch ms, or null for text that is not an existing local time. */
export function localTimeReader(timeZone: string): (local: string) => number | null {
  let previous = -Infinity;
  return (local) => {
    if (!LOCAL.test(local)) return null;
    const text = local.length === 16 ? `${local}:00` : local;
    const wall = Date.parse(`${text}Z`);
    // Date.parse rolls 30 February over into March; a vendor time like that is garbage.
    if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 19) !== text) return null;
    const instants = instantsOf(wall, timeZone);
    if (instants.length === 0) return null;
    const chosen = instants.find((t) => t > previous) ?? instants[instants.length - 1];
    previous = chosen;
    return chosen;
  };
}

/** Every instant whose wall clock in the zone is `wall`, earliest first: none, one or two. */
function instantsOf(wall: number, timeZone: string): number[] {
  const before = offsetMinutes(new Date(wall - DAY_MS), timeZone);
  const after = offsetMinutes(new Date(wall + DAY_MS), timeZone);
  // Zones change offset at most once in two days, so equal offsets leave nothing to resolve.
  if (before === after) return [wall - before * 60_000];
  return [...new Set([before, after])]
    .map((offset) => wall - offset * 60_000)
    .filter((t) => t + offsetMinutes(new Date(t), timeZone) * 60_000 === wall)
    .sort((a, b) => a - b);
}
