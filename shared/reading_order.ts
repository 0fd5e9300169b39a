/**
 * The order of readings in an envelope: by instant, then metric. Code-unit comparison, not
 * `localeCompare`: ISO-8601 UTC stamps sort correctly by code unit, and ICU collation was the
 * largest CPU cost of mapping a body.
 */
import type { Reading } from "./types.ts";

export function compareReadings(a: Reading, b: Reading): number {
  return compareText(a.ts, b.ts) || compareText(a.metric, b.metric);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
