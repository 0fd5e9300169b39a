/**
 * The jobs a resync of a range becomes: one per aligned window the range touches (windows.ts),
 * each the vendor's maximum span (12 h for SolarEdge, a day for the others), so a window the
 * vendor refuses is retried or given up on alone, and each lands whole at its one key. A range
 * that starts before the vendor's history limit is refused: its first jobs could never succeed.
 */
import { RequestError } from "./errors.ts";
import type { AdapterSpec, Window } from "./types.ts";
import { alignedWindows, alignmentOf } from "./windows.ts";

const DAY = 86_400_000;

export function resyncWindows(
  spec: Pick<
    AdapterSpec,
    "maxRangeHours" | "windowAlignment" | "resolutionMinutes" | "historyDays"
  >,
  range: Window,
  timezone: string | null | undefined,
  now: Date,
  what: string,
): Window[] {
  if (spec.historyDays && range.from.getTime() < now.getTime() - spec.historyDays * DAY) {
    throw new RequestError(
      400,
      `Cannot ${what}: from is more than ${spec.historyDays} days ago, before the vendor's history`,
    );
  }
  const windows = alignedWindows(range, {
    now,
    resolutionMinutes: spec.resolutionMinutes,
    alignment: alignmentOf(spec),
    timezone,
  });
  // The whole window, to its aligned end: asking twice for one window names the same job.
  return windows.map((w) => ({ from: w.from, to: w.end }));
}
