/**
 * What a failed SolarEdge V2 answer means, read from its RFC 7807 problem+json body and its
 * rate-limit headers (vendors.md, Corrections December 2026), so the vendor's `detail` reaches
 * the site's or the credential's error:
 *
 * - 429 with `retry-after` (and `x-ratelimit-remaining-minute: 0`) is the per-minute limit: left
 *   to the core, which waits and retries. 429 WITHOUT `retry-after` while minute calls remain means
 *   the month's credits are spent: not retried; the credential pauses (see MONTHLY_CREDITS_SPENT).
 * - 401 is a missing, invalid, expired or revoked key. Only a key of V1's shape (32 upper-case
 *   letters and digits, DiedB/Homey-SolarPanels#296 and #335; unverified for V2 keys) or a 410 is
 *   described as the V1 retirement.
 * - 403 is no access to the site, a missing scope or a tier gate; other 4xx are bad requests.
 */
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import type { HttpResult } from "../../../shared/http.ts";

export const MONTHLY_CREDITS_SPENT =
  "SolarEdge monthly API credits are spent; paused until the billing cycle resets";

/**
 * How long a spent month pauses the credential. The reset day is the account's billing cycle,
 * which the API does not publish: the pause lasts the rest of this run (the core skips the
 * credential's other sites), and the next scheduled run tries one call again.
 */
export const MONTHLY_PAUSE_MS = 3_600_000;

const V1_KEY = /^[A-Z0-9]{32}$/;

export const V1_RETIRED = "the Monitoring API V1 was retired on 3 Nov 2026 and its keys no " +
  "longer work; create a Monitoring API V2 key and update the credential";

/** The `detail` (else `title`) of a problem+json body, shortened; undefined for other bodies. */
export function problemDetail(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object") return undefined;
  const { detail, title } = body as { detail?: unknown; title?: unknown };
  const said = typeof detail === "string" && detail.trim() !== ""
    ? detail
    : typeof title === "string"
    ? title
    : undefined;
  if (said === undefined) return undefined;
  const flat = said.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** Whether an error is the spent-month answer of `classifyAnswer`. */
export function isMonthSpent(error: unknown): boolean {
  return error instanceof RetriableError && error.message.startsWith(MONTHLY_CREDITS_SPENT);
}

export function isV1Key(apiKey: string): boolean {
  return V1_KEY.test(apiKey);
}

/**
 * The error for a failed answer, or undefined to leave it to the core's rules (5xx, the
 * per-minute 429). `fatal` lists the statuses that disable the credential for this call.
 */
export function classifyAnswer(
  result: HttpResult,
  o: { label: string; apiKey?: string; fatal: readonly number[] },
): Error | undefined {
  const { status, headers } = result;
  const detail = problemDetail(result.text);
  const said = detail ? `: ${detail}` : "";
  if (status === 429) {
    const remaining = headers.get("x-ratelimit-remaining-minute");
    const minuteLeft = remaining !== null && Number(remaining) > 0;
    if (headers.get("retry-after") === null && minuteLeft) {
      return new RetriableError(`${MONTHLY_CREDITS_SPENT} (${o.label}: HTTP 429${said})`, {
        status,
        retryAfterMs: MONTHLY_PAUSE_MS,
      });
    }
    return undefined;
  }
  if (status >= 500 || status === 408 || status === 425) return undefined;
  if (status === 410) {
    return new FatalCredentialError(`SolarEdge answered HTTP 410 Gone: ${V1_RETIRED}${said}`, {
      status,
    });
  }
  if (status === 401 && o.fatal.includes(401)) {
    const message = o.apiKey !== undefined && isV1Key(o.apiKey)
      ? `SolarEdge rejected the API key (HTTP 401), which has the shape of a V1 key: ${V1_RETIRED}`
      : `SolarEdge rejected the API key (HTTP 401)${said || ": no reason given"}`;
    return new FatalCredentialError(message, { status });
  }
  if (o.fatal.includes(status)) {
    return new FatalCredentialError(
      `SolarEdge refused the credential (HTTP ${status})${said || ": check the key's access"}`,
      { status },
    );
  }
  return new BadRecordError(`Cannot call ${o.label}: received HTTP ${status}${said}`, { status });
}
