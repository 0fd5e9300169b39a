/**
 * Keeps one credential under a vendor's per-minute limit. The limit is learnt from the
 * `x-ratelimit-*-minute` headers SolarEdge V2 sends (vendors.md §1.8) or taken from the adapter's
 * spec, and calls wait their turn instead of earning a 429.
 */
import { OutOfTimeError, RetriableError } from "./errors.ts";
import { sleep } from "./sleep.ts";

const MINUTE = 60_000;
/**
 * Calls are spaced a second wider than the vendor's window: the vendor counts a call when it
 * arrives, after a latency that varies from call to call, so two calls sent exactly a window
 * apart can land in one window, and the call that fills it then earns a 429.
 */
const MARGIN_MS = 1_000;

export interface PacerOptions {
  perMinute?: number;
  /** A limit over another window instead (SMA counts per 5 minutes): `{ limit, windowMs }`. */
  window?: { limit: number; windowMs: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class MinutePacer {
  #limit: number | undefined;
  #calls: number[] = [];
  #exhaustedUntil = 0;
  #closed: { until: number; message: string } | undefined;
  #window = MINUTE;
  #learns = true;
  #now: () => number;
  #sleep: (ms: number) => Promise<void>;

  constructor(options: PacerOptions = {}) {
    this.#limit = options.window?.limit ?? options.perMinute;
    if (options.window) {
      this.#window = options.window.windowMs;
      this.#learns = false;
    }
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
  }

  /**
   * Waits until one more call fits in the last minute, then counts it. A wait that would end at or
   * after `deadline` (epoch ms) is not started: the run's time is out (OutOfTimeError).
   */
  async take(deadline?: number, label = "the vendor"): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.#now();
      if (this.#closed && now < this.#closed.until) {
        throw new RetriableError(this.#closed.message, { retryAfterMs: this.#closed.until - now });
      }
      const span = this.#window + MARGIN_MS;
      this.#calls = this.#calls.filter((t) => t > now - span);
      const full = this.#limit !== undefined && this.#calls.length >= this.#limit;
      const wait = Math.max(
        this.#exhaustedUntil - now,
        full ? this.#calls[0] + span - now : 0,
      );
      if (wait <= 0) {
        this.#calls.push(now);
        return waited;
      }
      if (deadline !== undefined && now + wait >= deadline) {
        throw new OutOfTimeError(label, { cause: `a wait of ${wait} ms for the rate limit` });
      }
      waited += wait;
      await this.#sleep(wait);
    }
  }

  /** Counts calls made elsewhere (another invocation of the credential) as made at `at`. */
  seed(calls: number, at: number): void {
    for (let i = 0; i < calls; i++) this.#calls.push(at);
    this.#calls.sort((a, b) => a - b);
  }

  /** Learns from the vendor's headers; a remaining count of 0 holds calls for the window. */
  observe(headers: Headers): void {
    if (!this.#learns) return;
    const limit = Number(headers.get("x-ratelimit-limit-minute"));
    if (Number.isFinite(limit) && limit > 0) this.#limit = limit;
    const remaining = headers.get("x-ratelimit-remaining-minute");
    if (remaining !== null && Number(remaining) <= 0) {
      const oldest = this.#calls[0] ?? this.#now();
      this.#exhaustedUntil = Math.max(this.#exhaustedUntil, oldest + MINUTE + MARGIN_MS);
    }
  }

  /** After a 429 nothing is sent until the vendor's Retry-After has passed. */
  holdFor(ms: number): void {
    this.#exhaustedUntil = Math.max(this.#exhaustedUntil, this.#now() + ms);
  }

  /**
   * The vendor asked for a pause longer than any call may wait (a spent month, GoodWe's GY0429):
   * the credential's other calls fail at once with `message` instead of sleeping behind a hold
   * of hours, so its in-flight sites end and the run moves on.
   */
  closeFor(ms: number, message: string): void {
    this.#closed = { until: this.#now() + ms, message };
  }

  /**
   * Ends a `closeFor` pause: a pacer kept for a credential's next job keeps its calls and limit,
   * but the pause went with the job that was deferred for it, and the next job asks the vendor.
   */
  reopen(): void {
    this.#closed = undefined;
  }
}
