/**
 * SolarEdge V2's monthly credits: every call costs one (free tier 2,000 a month), and once they
 * are spent the API answers 429 without `retry-after` until the billing cycle resets (vendors.md,
 * Corrections December 2026). The cycle is the account's and unpublished; here it is the UTC
 * calendar month. Counted per API key, so replacing an account keeps what it spent.
 */
export interface Credits {
  /** Spends one credit; false, spending nothing, when the month's `limit` is used up. */
  spend(apiKey: string, limit: number, at: Date): boolean;
  used(apiKey: string, at: Date): number;
}

export function createCredits(): Credits {
  const spent = new Map<string, number>();
  const key = (apiKey: string, at: Date) => `${at.toISOString().slice(0, 7)} ${apiKey}`;
  return {
    spend(apiKey, limit, at) {
      const k = key(apiKey, at);
      const used = spent.get(k) ?? 0;
      if (used >= limit) return false;
      spent.set(k, used + 1);
      return true;
    },
    used: (apiKey, at) => spent.get(key(apiKey, at)) ?? 0,
  };
}
