/**
 * The error kinds of the fetcher (ARCHITECTURE §5). Callers catch them to decide what happens
 * next: retry later, stop using a credential, or skip one record. `app.ts` maps them to HTTP.
 */

/**
 * Worth trying again later: 429, 5xx, network failures, timeouts. `retryAfterMs` says how long the
 * vendor wants the whole credential left alone (e.g. GoodWe's GY0429): the run then skips that
 * credential's remaining sites instead of failing each of them.
 */
export class RetriableError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    options?: { status?: number; cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = "RetriableError";
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * The run's time ran out while a call was waiting, in flight, or about to retry (its deadline,
 * the Edge wall clock): the site is skipped for this run, never failed, and the next run goes on.
 */
export class OutOfTimeError extends RetriableError {
  constructor(label: string, options?: { cause?: unknown }) {
    super(`Cannot call ${label}: the run's time ran out; the next run continues here`, options);
    this.name = "OutOfTimeError";
  }
}

/** The credential cannot work until someone acts: bad key, revoked grant, retired API. */
export class FatalCredentialError extends Error {
  readonly status?: number;
  /**
   * The credential's row already says `needs_reauth` (set under its row lock by a token renewal),
   * so the run must not write it again over the vendor's reason.
   */
  readonly recorded: boolean;
  constructor(
    message: string,
    options?: { status?: number; cause?: unknown; recorded?: boolean },
  ) {
    super(message, { cause: options?.cause });
    this.name = "FatalCredentialError";
    this.status = options?.status;
    this.recorded = options?.recorded ?? false;
  }
}

/** One site, window or payload is unusable; the rest of the run goes on. */
export class BadRecordError extends Error {
  readonly status?: number;
  constructor(message: string, options?: { status?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "BadRecordError";
    this.status = options?.status;
  }
}

/**
 * A caller of the function's HTTP API sent something wrong, or asked for what this deployment does
 * not offer (501), or asked a worker too near its end to take it (503); `status` is what it
 * receives.
 */
export class RequestError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 415 | 501 | 503;
  constructor(status: RequestError["status"], message: string) {
    super(message);
    this.name = "RequestError";
    this.status = status;
  }
}

/**
 * The vendor rejects the application itself (e.g. Enphase "API Key - Client mismatch"): no
 * credential is at fault, so none is disabled, and the run for that vendor stops.
 */
export class VendorConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "VendorConfigError";
  }
}
