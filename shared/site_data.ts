/**
 * What every adapter's `fetchSiteData` starts from and filters by: an empty result, and the
 * window rule that a reading belongs to a window when its interval END lies in (from, to].
 */
import type { SiteData, Window } from "./types.ts";

export function emptySiteData(): SiteData {
  return { responses: [], readings: [], dropped: 0, intervalsExpected: 0, intervalsReceived: 0 };
}

export function inWindow(ts: string, window: Window): boolean {
  const t = Date.parse(ts);
  return t > window.from.getTime() && t <= window.to.getTime();
}
