/**
 * GoodWe answers every outcome as HTTP 200 with a `code` in the body (vendors.md §4.2), so errors
 * are classified here from the code, into the fetcher's three kinds (shared/errors.ts).
 */
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";

export type CodeKind =
  | "ok"
  | "not_logged_in"
  | "expired"
  | "parameter"
  | "bad_credentials"
  | "system"
  | "rate_limited"
  | "unknown";

const KINDS: Record<string, CodeKind> = {
  // Classic SEMS says 0 or "0"; SEMS+ says "00000".
  "0": "ok",
  "00000": "ok",
  "100001": "not_logged_in",
  "100002": "expired",
  "100004": "parameter",
  "100005": "bad_credentials",
  "100000": "system",
  "GY0429": "rate_limited",
};

export function codeKind(code: unknown): CodeKind {
  if (typeof code !== "string" && typeof code !== "number") return "unknown";
  return KINDS[String(code).trim()] ?? "unknown";
}

/** The code and the vendor's wording: `msg` classic, `description`/`errorMsg` on SEMS+. */
export function describeAnswer(body: unknown): string {
  const b = (body ?? {}) as {
    code?: unknown;
    msg?: unknown;
    description?: unknown;
    errorMsg?: unknown;
  };
  const text = [b.msg, b.description, b.errorMsg].find((m) => typeof m === "string" && m.trim());
  const code = typeof b.code === "string" || typeof b.code === "number" ? b.code : "(none)";
  // The house style ends messages without a period; GoodWe's end with one.
  const said = typeof text === "string"
    ? `, "${text.trim().replace(/[.。]+$/, "").slice(0, 200)}"`
    : "";
  return `code ${code}${said}`;
}

/**
 * The error a resource answer stands for, or undefined when it succeeded. 100001/100002 reach
 * here only after the core has renewed the session once (`tokens.isExpired`), so they are retried
 * later rather than disabling a credential whose password still works.
 */
export function answerError(body: unknown, label: string, backoffMs: number): Error | undefined {
  const kind = codeKind((body as { code?: unknown } | null)?.code);
  const what = `Cannot call ${label}: GoodWe answered ${describeAnswer(body)}`;
  switch (kind) {
    case "ok":
      return undefined;
    case "not_logged_in":
    case "expired":
      return new RetriableError(`${what} even after a new login`);
    case "rate_limited":
      return new RetriableError(what, { retryAfterMs: backoffMs });
    case "system":
      return new RetriableError(what);
    case "bad_credentials":
      return new FatalCredentialError(what);
    default:
      return new BadRecordError(what);
  }
}
