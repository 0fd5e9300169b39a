/**
 * The two kinds of SolarEdge credential (vendors.md, Corrections Dec 2026): *Fleet Access*, the
 * API key of an installer or fleet owner (`X-API-Key`, plus `X-Account-Key` for fleet accounts),
 * and *Site Access*, a homeowner's OAuth 2.0 grant for one site (`Authorization: Bearer`), which
 * V2 offers because plain homeowner accounts get no API key. A credential is one or the other.
 */
import { BadRecordError } from "../../../shared/errors.ts";

export interface SolarEdgeKeySecret {
  kind?: "apiKey";
  apiKey: string;
  accountKey?: string;
}

export interface SolarEdgeOAuthSecret {
  kind: "oauth";
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ISO-8601. */
  expiresAt: string;
  /** The one site the homeowner granted: the callback's `site_id`. */
  siteId: string;
}

export type SolarEdgeSecret = SolarEdgeKeySecret | SolarEdgeOAuthSecret;

export function isOAuth(secret: SolarEdgeSecret): secret is SolarEdgeOAuthSecret {
  return secret.kind === "oauth";
}

const OAUTH_FIELDS = ["accessToken", "refreshToken", "expiresAt", "siteId"] as const;

export function parseSolarEdgeSecret(
  document: unknown,
): { secret: SolarEdgeSecret; sensitive: string[] } {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw bad("the document must be a JSON object");
  }
  const d = document as Record<string, unknown>;
  if (d.kind !== undefined && d.kind !== "apiKey" && d.kind !== "oauth") {
    throw bad(`kind must be "apiKey" or "oauth", not ${JSON.stringify(d.kind)}`);
  }
  const oauth = d.kind === "oauth";
  const foreign = oauth
    ? ["apiKey", "accountKey"].filter((k) => d[k] !== undefined)
    : OAUTH_FIELDS.filter((k) => d[k] !== undefined);
  if (foreign.length > 0) {
    throw bad(
      `${oauth ? "a Site Access (oauth)" : "an API-key"} credential cannot also hold ` +
        `${foreign.join(", ")}; a credential is one kind or the other`,
    );
  }
  return oauth ? oauthSecret(d) : keySecret(d);
}

function keySecret(d: Record<string, unknown>) {
  if (d.apiKey !== undefined && typeof d.apiKey !== "string") throw bad("apiKey must be a string");
  if (typeof d.apiKey !== "string" || d.apiKey.trim() === "") throw bad("apiKey is missing");
  if (d.accountKey !== undefined && typeof d.accountKey !== "string") {
    throw bad("accountKey must be a string");
  }
  const secret: SolarEdgeKeySecret = {
    apiKey: d.apiKey.trim(),
    accountKey: (d.accountKey as string | undefined)?.trim() || undefined,
  };
  return { secret, sensitive: [secret.apiKey, secret.accountKey ?? ""] };
}

function oauthSecret(d: Record<string, unknown>) {
  for (const field of OAUTH_FIELDS) {
    if (typeof d[field] !== "string" || (d[field] as string).trim() === "") {
      throw bad(`${field} is missing`);
    }
  }
  const expiresAt = Date.parse(d.expiresAt as string);
  if (Number.isNaN(expiresAt)) throw bad("expiresAt is not an ISO date-time");
  const secret: SolarEdgeOAuthSecret = {
    kind: "oauth",
    accessToken: (d.accessToken as string).trim(),
    refreshToken: (d.refreshToken as string).trim(),
    expiresAt: new Date(expiresAt).toISOString(),
    siteId: (d.siteId as string).trim(),
  };
  return { secret, sensitive: [secret.accessToken, secret.refreshToken] };
}

function bad(detail: string): BadRecordError {
  return new BadRecordError(`Cannot use SolarEdge credential: ${detail}`);
}
