/**
 * SMA's request limit "for one credential within a 5 minute interval" (since 2025-07-01,
 * vendors.md §3.5), counted per client id in fixed windows that open with the first request. The
 * vendor publishes neither the window semantics nor headers; a breach is a bare 429.
 */
export const WINDOW_MS = 5 * 60_000;

export interface WindowLimit {
  /** Spends one request of `key`'s window; false when the window is used up. */
  take(key: string, limit: number, nowMs: number): boolean;
}

export function createWindowLimit(windowMs = WINDOW_MS): WindowLimit {
  const windows = new Map<string, { start: number; used: number }>();
  return {
    take(key, limit, nowMs) {
      let window = windows.get(key);
      if (!window || nowMs - window.start >= windowMs || nowMs < window.start) {
        window = { start: nowMs, used: 0 };
        windows.set(key, window);
      }
      if (window.used >= limit) return false;
      window.used++;
      return true;
    },
  };
}
