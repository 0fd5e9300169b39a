/**
 * The per-minute request limit of SolarEdge V2, counted per API key in fixed 60-second windows
 * that open with the first request. The real API exposes only the per-minute figure in
 * `x-ratelimit-*-minute` headers (vendors.md §1.8); its window semantics are undocumented.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window frees, at least 1; meaningful when not allowed. */
  retryAfterSeconds: number;
}

export interface RateLimit {
  take(apiKey: string, limit: number, nowMs: number): RateDecision;
}

const WINDOW_MS = 60_000;

export function createRateLimit(): RateLimit {
  // Kept per key, not per account, so replacing an account does not hand it a fresh budget.
  const windows = new Map<string, { start: number; used: number }>();
  return {
    take(apiKey, limit, nowMs) {
      let window = windows.get(apiKey);
      if (!window || nowMs - window.start >= WINDOW_MS || nowMs < window.start) {
        window = { start: nowMs, used: 0 };
        windows.set(apiKey, window);
      }
      const allowed = window.used < limit;
      if (allowed) window.used++;
      return {
        allowed,
        limit,
        remaining: Math.max(0, limit - window.used),
        retryAfterSeconds: Math.max(1, Math.ceil((window.start + WINDOW_MS - nowMs) / 1000)),
      };
    },
  };
}
