/**
 * The one way the fetchers talk to vendors: a timeout per attempt, retries with exponential
 * backoff and full jitter for retriable failures, `Retry-After` honoured, per-minute pacing, and
 * every failure classified into the three error kinds of `errors.ts`. With a `deadline` none of
 * these waits ends after it: an attempt's timeout is cut to the time left, and a sleep, a pacer's
 * wait or a Retry-After that would end later is not taken (OutOfTimeError).
 */
import { BadRecordError, FatalCredentialError, OutOfTimeError, RetriableError } from "./errors.ts";
import type { MinutePacer } from "./pacer.ts";
import { sleep } from "./sleep.ts";

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** How the request is described in errors and logs: never the URL, which may carry secrets. */
  label: string;
  /** Statuses that disable the credential; per-site calls may narrow it (403 = that site only). */
  fatalStatuses?: readonly number[];
  /** Statuses returned to the caller instead of thrown (token endpoints read their error body). */
  acceptStatuses?: readonly number[];
  /**
   * Reads the vendor's own words in a failing answer before the status rules do, e.g. an Enphase
   * 429 whose body says the month (not the minute) is spent. A RetriableError it returns is
   * retried like any other, its `retryAfterMs` honoured (longer than `maxRetryAfterMs`: not in
   * this run); any other error ends the call at once; undefined leaves it to the status rules.
   */
  readRefusal?: (result: HttpResult) => Error | undefined;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  pacer?: MinutePacer;
  signal?: AbortSignal;
  /** The run's end (epoch ms on `now`'s clock): no attempt, timeout or wait goes past it. */
  deadline?: number;
  timeoutMs?: number;
  /** The signal that ends one attempt after `ms` (a seam for tests on an injected clock). */
  timeout?: (ms: number) => AbortSignal;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for in this run. */
  maxRetryAfterMs?: number;
  onAttempt?: () => void;
  /** Sees every response's headers (a vendor's rate-limit counters for the shared budgets). */
  onResponse?: (headers: Headers) => void | Promise<void>;
  /** Runs before each attempt and may refuse it by throwing (a spent monthly budget). */
  beforeAttempt?: () => Promise<void>;
  /**
   * Headers that carry the credential, read for each attempt after the pacer's wait and
   * `beforeAttempt`, so a token renewed during a long wait is the one sent.
   */
  authHeaders?: () => Record<string, string>;
  /** Vendor wording for statuses that disable a credential (e.g. SolarEdge's V1 retirement). */
  fatalMessage?: (status: number, label: string) => string | undefined;
}

const RETRIABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const FATAL = [401, 403, 410];

export async function fetchWithRetry(req: HttpRequest, options: HttpOptions = {}) {
  const o = withDefaults(options);
  let lastError: RetriableError | undefined;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    if (attempt > 0) {
      const delay = backoff(attempt, o, lastError);
      if (delay >= left(o)) throw new OutOfTimeError(req.label, { cause: lastError?.message });
      if (delay > 0) await o.sleep(delay);
    }
    if (left(o) <= 0) throw new OutOfTimeError(req.label, { cause: lastError?.message });
    await o.pacer?.take(o.deadline, req.label);
    await o.beforeAttempt?.();
    // Checked after the waits, which a stop can fall in. A stopped run is out of time, like one
    // past its deadline: its sites are skipped, not failed.
    if (o.signal?.aborted) throw new OutOfTimeError(req.label, { cause: "the run was stopped" });
    o.onAttempt?.();
    const result = await attemptOnce(req, o).catch((error: unknown) => {
      if (error instanceof RetriableError) return error;
      throw error;
    });
    if (!(result instanceof RetriableError)) return result;
    lastError = result;
    const wait = result.retryAfterMs;
    if (wait !== undefined) {
      if (wait > o.maxRetryAfterMs) {
        o.pacer?.closeFor(wait, result.message);
        break;
      }
      o.pacer?.holdFor(wait);
    }
  }
  throw lastError ?? new RetriableError(`Cannot call ${req.label}: no attempt was made`);
}

/** The ms until the deadline (Infinity without one). */
function left(o: Required<HttpOptions>): number {
  return o.deadline === undefined ? Infinity : o.deadline - o.now();
}

async function attemptOnce(req: HttpRequest, o: Required<HttpOptions>): Promise<HttpResult> {
  const ms = Math.min(o.timeoutMs, left(o));
  const timeout = o.timeout(ms);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await o.fetch(req.url, {
      method: req.method ?? "GET",
      headers: o.authHeaders ? { ...req.headers, ...o.authHeaders() } : req.headers,
      body: req.body,
      signal,
    });
    text = await response.text();
  } catch (cause) {
    if (o.signal?.aborted || (timeout.aborted && ms < o.timeoutMs)) {
      throw new OutOfTimeError(req.label, { cause: redactCause(cause) });
    }
    const what = timeout.aborted ? `timed out after ${o.timeoutMs} ms` : "network error";
    throw new RetriableError(`Cannot call ${req.label}: ${what}`, { cause: redactCause(cause) });
  }
  o.pacer?.observe(response.headers);
  await o.onResponse?.(response.headers);
  const status = response.status;
  if ((status >= 200 && status < 300) || req.acceptStatuses?.includes(status)) {
    return { status, headers: response.headers, text };
  }
  const refusal = req.readRefusal?.({ status, headers: response.headers, text });
  if (refusal) throw refusal;
  if (RETRIABLE.has(status)) {
    throw new RetriableError(`Cannot call ${req.label}: received HTTP ${status}`, {
      status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), o.now()),
    });
  }
  if ((req.fatalStatuses ?? FATAL).includes(status)) {
    const message = o.fatalMessage(status, req.label) ??
      `Cannot call ${req.label}: received HTTP ${status}`;
    throw new FatalCredentialError(message, { status });
  }
  throw new BadRecordError(`Cannot call ${req.label}: received HTTP ${status}`, { status });
}

function backoff(attempt: number, o: Required<HttpOptions>, last?: RetriableError): number {
  if (last?.retryAfterMs !== undefined) {
    // With a pacer the hold already covers the wait; sleeping here too would wait twice.
    return o.pacer ? 0 : Math.min(last.retryAfterMs, o.maxRetryAfterMs);
  }
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(o.random() * ceiling);
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Network errors can quote the URL; keep only the kind of failure. */
function redactCause(cause: unknown): string {
  return cause instanceof Error ? cause.name : "unknown";
}

function withDefaults(options: HttpOptions): Required<HttpOptions> {
  return {
    fetch: options.fetch ?? fetch,
    sleep: options.sleep ?? sleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    pacer: options.pacer as MinutePacer,
    signal: options.signal as AbortSignal,
    deadline: options.deadline as number,
    timeoutMs: options.timeoutMs ?? 30_000,
    timeout: options.timeout ?? ((ms) => AbortSignal.timeout(ms)),
    retries: options.retries ?? 4,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    onAttempt: options.onAttempt ?? (() => {}),
    onResponse: options.onResponse ?? (() => {}),
    beforeAttempt: options.beforeAttempt ?? (() => Promise.resolve()),
    authHeaders: options.authHeaders as () => Record<string, string>,
    fatalMessage: options.fatalMessage ?? (() => undefined),
  };
}
