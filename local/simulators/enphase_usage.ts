/**
 * Per-application usage counters of the Enphase API gateway: fixed windows on the calendar minute
 * and the UTC calendar month, as the plans are sold (vendors.md §2.5). The counters belong to the
 * app (its API key), not to a homeowner: every system the app reads spends the same 10 a minute
 * and 1,000 a month on Watt (vendors.md "Corrections, December 2026", Enphase v4). The Swagger's 429 example
 * reports `period_start` on a whole minute, hence aligned windows rather than sliding ones. A
 * request refused with 429 is not counted against either window.
 */
import type { Limits } from "./enphase_plans.ts";

export interface UsageRefusal {
  period: "minute" | "month";
  /** Epoch seconds, as the gateway reports them. */
  periodStart: number;
  periodEnd: number;
  limit: number;
}

export interface Usage {
  /** Counts one request for the key, or says which window is already full. */
  take(apiKey: string, limits: Limits, nowMs: number): UsageRefusal | undefined;
}

interface Counter {
  minute: number;
  minuteUsed: number;
  month: number;
  monthUsed: number;
}

export function createUsage(): Usage {
  // Kept per API key, so re-registering an app does not hand it a fresh budget.
  const counters = new Map<string, Counter>();
  return {
    take(apiKey, limits, nowMs) {
      const at = new Date(nowMs);
      const minute = Math.floor(nowMs / 60_000);
      const month = at.getUTCFullYear() * 12 + at.getUTCMonth();
      const c = counters.get(apiKey) ?? { minute, minuteUsed: 0, month, monthUsed: 0 };
      counters.set(apiKey, c);
      if (c.minute !== minute) Object.assign(c, { minute, minuteUsed: 0 });
      if (c.month !== month) Object.assign(c, { month, monthUsed: 0 });
      if (c.monthUsed >= limits.perMonth) {
        const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1) / 1000;
        const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) / 1000;
        return { period: "month", periodStart: start, periodEnd: end, limit: limits.perMonth };
      }
      if (c.minuteUsed >= limits.perMinute) {
        const start = minute * 60;
        return {
          period: "minute",
          periodStart: start,
          periodEnd: start + 60,
          limit: limits.perMinute,
        };
      }
      c.minuteUsed++;
      c.monthUsed++;
      return undefined;
    },
  };
}
