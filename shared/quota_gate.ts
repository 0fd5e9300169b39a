/**
 * Spends a call's budgets in Postgres before the call, so every concurrent invocation shares one
 * count per vendor scope (`private.reserve_quotas`, all budgets or none). A round trip per call
 * would cost more CPU than the call, so the gate reserves a few calls at once and hands them out
 * until the shortest of the budgets' windows ends; the few left over when an invocation ends are
 * the price (at most `chunk` calls per scope and invocation, lost only until the window turns).
 * A refusal waits for the window to reopen when that fits the run's deadline; otherwise the call
 * is refused with `RetriableError` and its job is deferred to the reopening, never failed.
 */
import { OutOfTimeError, RetriableError } from "./errors.ts";
import type { QuotaBudget, QuotaPeriod } from "./quota_plan.ts";
import { sleep } from "./sleep.ts";

export interface QuotaReservations {
  /** Spends `n` calls of every budget or of none: null when granted, else when they reopen. */
  reserveQuotas(budgets: QuotaBudget[], n: number): Promise<Date | null>;
  /** Records what the vendor says remains of a window (its rate-limit headers). */
  observeQuota(budget: QuotaBudget, remaining: number): Promise<void>;
}

export interface TakeOptions {
  /** Epoch ms on `now`'s clock: a wait that would end at or after it is not started. */
  deadline?: number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  label: string;
}

/** Longer than a 5-minute window is a day's or a month's: that work is deferred, not awaited. */
const MAX_WAIT_MS = 301_000;
const MAX_WAITS = 5;

interface Held {
  calls: number;
  until: number;
}

/** Reserving ahead pays off for big budgets; a budget of a few calls is spent one at a time. */
function chunkFor(budgets: QuotaBudget[]): number {
  const smallest = Math.min(...budgets.map((b) => b.limit));
  return Math.max(1, Math.min(8, Math.floor(smallest / 40)));
}

/** End of the UTC-aligned window holding `at`, as `private.quota_window` computes it. */
export function windowEnd(period: QuotaPeriod, at: number): number {
  const d = new Date(at);
  switch (period) {
    case "minute":
      return Math.floor(at / 60_000) * 60_000 + 60_000;
    case "5 minutes":
      return Math.floor(at / 300_000) * 300_000 + 300_000;
    case "day":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    case "month":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

export class QuotaGate {
  #store: QuotaReservations;
  #held = new Map<string, Held>();
  #reserving = new Map<string, Promise<{ n: number; reopens: Date | null }>>();
  #observed = new Map<string, number>();

  constructor(store: QuotaReservations) {
    this.#store = store;
  }

  async take(all: QuotaBudget[], o: TakeOptions): Promise<void> {
    if (all.length === 0) return;
    const budgets = tightest(all);
    const key = budgets.map((b) => `${b.scope}|${b.period}|${b.limit}`).join(",");
    for (let waits = 0;;) {
      const now = o.now();
      const held = this.#held.get(key);
      if (held && held.calls > 0 && now < held.until) {
        held.calls--;
        return;
      }
      // Concurrent calls wait for the one reservation under way and share it: each reserving a
      // chunk of its own spent a window several times faster than calls were made.
      const pending = this.#reserving.get(key);
      if (pending) {
        await pending.catch(() => {});
        continue;
      }
      // Calls stop a second before the window's end: a call counted in one window must reach the
      // vendor inside it, after its latency and a clock a little behind the database's. One sent
      // in the last second lands in the next window, which we then fill: a 429 of our own.
      const end = Math.min(...budgets.map((b) => windowEnd(b.period, now)));
      const until = end - 1_000;
      if (now >= until) {
        const wait = end - now + Math.floor((o.random ?? Math.random)() * 250);
        if (o.deadline !== undefined && now + wait >= o.deadline) {
          throw new OutOfTimeError(o.label, { cause: "the budget's window ends within a second" });
        }
        await (o.sleep ?? sleep)(wait);
        continue;
      }
      const reserving = this.#reserve(budgets, chunkFor(budgets));
      this.#reserving.set(key, reserving);
      let granted: { n: number; reopens: Date | null };
      try {
        granted = await reserving;
      } finally {
        this.#reserving.delete(key);
      }
      const { n, reopens } = granted;
      if (!reopens) {
        if (n > 1) this.#held.set(key, { calls: n - 1, until });
        return;
      }
      // Spread the invocations that wait for one window, so they do not all call at its start.
      const wait = Math.max(0, reopens.getTime() - now) +
        Math.floor((o.random ?? Math.random)() * 250);
      // A window still shut after several waits means other invocations keep spending it first.
      const late = o.deadline !== undefined && now + wait >= o.deadline;
      if (wait > MAX_WAIT_MS || late || waits >= MAX_WAITS) {
        throw new RetriableError(refusal(budgets, reopens, o.label), {
          retryAfterMs: Math.max(1, reopens.getTime() - now),
        });
      }
      await (o.sleep ?? sleep)(wait);
      waits++;
    }
  }

  /** `n` calls, or one when a chunk no longer fits the window. */
  async #reserve(budgets: QuotaBudget[], n: number): Promise<{ n: number; reopens: Date | null }> {
    const reopens = await this.#store.reserveQuotas(budgets, n);
    if (reopens && n > 1) return { n: 1, reopens: await this.#store.reserveQuotas(budgets, 1) };
    return { n, reopens };
  }

  /**
   * Feeds a vendor's `x-ratelimit-*-minute` headers to the shared budget. Only a low remainder is
   * worth a round trip: that is when other invocations must learn to hold back.
   */
  observe(budget: QuotaBudget, remaining: number, now: number): Promise<void> {
    if (remaining > Math.max(2, Math.floor(budget.limit / 5))) return Promise.resolve();
    const key = `${budget.scope}|${budget.period}|${remaining}`;
    const window = windowEnd(budget.period, now);
    if (this.#observed.get(key) === window) return Promise.resolve();
    this.#observed.set(key, window);
    return this.#store.observeQuota(budget, remaining);
  }
}

/**
 * One budget per scope and window, the tightest: a limit learnt from a vendor's headers may name a
 * budget the plan also sets, and `reserve_quotas` would spend such a row twice per call.
 */
function tightest(budgets: QuotaBudget[]): QuotaBudget[] {
  const byWindow = new Map<string, QuotaBudget>();
  for (const b of budgets) {
    const key = `${b.scope}|${b.period}`;
    const seen = byWindow.get(key);
    if (!seen || b.limit < seen.limit) byWindow.set(key, b);
  }
  return byWindow.size === budgets.length ? budgets : [...byWindow.values()];
}

function refusal(budgets: QuotaBudget[], reopens: Date, label: string): string {
  const day = reopens.toISOString().slice(0, 10);
  const month = budgets.filter((b) => b.period === "month").sort((a, b) => a.limit - b.limit)[0];
  if (month && reopens.getTime() === windowEnd("month", reopens.getTime() - 1)) {
    const period = new Date(reopens.getTime() - 1).toISOString().slice(0, 7);
    const whose = month.scope.includes(":app:") ? "the app's" : "the credential's";
    return `Cannot call ${label}: ${whose} ${month.limit} calls for ${period} are spent; calls resume on ${day}`;
  }
  return `Cannot call ${label}: the vendor's call budget is spent until ${reopens.toISOString()}`;
}
