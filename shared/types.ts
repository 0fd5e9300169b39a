/** The contract between the fetcher core and each vendor adapter (ARCHITECTURE §3). */
import type { Logger } from "./logger.ts";
import type { HttpRequest, HttpResult } from "./http.ts";
import type { UnreadableField } from "./unreadable.ts";
import type { Source } from "./vendors.ts";

export type { Source };

/** `ts` is the UTC ISO-8601 end of the interval the value describes. */
export interface Reading {
  ts: string;
  metric: "power_w" | "energy_wh" | string;
  value: number;
  device?: string;
}

export interface Window {
  from: Date;
  to: Date;
}

/** Vendor site id to the time zone stored for it (null when none is known yet). */
export type KnownSites = ReadonlyMap<string, string | null>;

export interface VendorSite {
  vendorSiteId: string;
  name?: string;
  timezone?: string;
}

/** A raw vendor response as received, with the request it answered minus any secret. */
export interface RecordedResponse {
  endpoint: string;
  request: { method: string; url: string };
  status: number;
  body: unknown;
}

export interface SiteData {
  responses: RecordedResponse[];
  readings: Reading[];
  /** Genuine gaps: `null` values and sentinels, dropped and counted, never zeros. */
  dropped: number;
  intervalsExpected: number;
  intervalsReceived: number;
  /**
   * Values that could not be read (a timestamp in an unknown format, a non-numeric value). When a
   * window has these and no reading at all, the core fails it as a bad record (`unreadable.ts`).
   */
  unreadable?: UnreadableField[];
}

/**
 * How a vendor's time is cut into windows (windows.ts): a fixed number of UTC hours counted from
 * the epoch (SolarEdge's 12 h per call at QUARTER_HOUR, Enphase's one-day calls), or the site's
 * local days for vendors that answer per local day (SMA's `Day` sets, GoodWe's pac curve by
 * `date`), so one window costs one call per series and a DST day is a window of 23 or 25 hours.
 */
export type WindowAlignment = { hours: number } | { localDay: true };

export interface AdapterSpec {
  source: Source;
  apiVersion: string;
  baseUrl: string;
  auth: "apiKey" | "oauth2" | "session";
  pageSize: number;
  maxRangeHours: number;
  resolutionMinutes: number;
  /** How the core cuts time into windows, one S3 object each; default `maxRangeHours` UTC hours. */
  windowAlignment?: WindowAlignment;
  rateLimits: { perMinute?: number; perDay?: number; perMonth?: number; concurrency: number };
  /** Vendor calls one window of one site costs (the cadence planner's unit); default 2. */
  callsPerWindow?: number;
  /** How far back the vendor serves data, where it says so; a resync may not start earlier. */
  historyDays?: number;
  endpoints: readonly string[];
}

/**
 * What an adapter gets for one credential: its secret, a paced HTTP client that adds the
 * credential's auth headers (and, for token vendors, renews an expired token and retries once), the
 * vendor's app configuration, a clock and a logger.
 */
export interface AdapterContext<S = unknown> {
  baseUrl: string;
  /** The current secret document; token vendors' documents change when a token is renewed. */
  readonly secret: S;
  http: (request: HttpRequest) => Promise<HttpResult>;
  vendorConfig: VendorConfig;
  /** Token vendors: makes sure a usable token (or session) is held before building a request. */
  authorize?: () => Promise<void>;
  /** The credential's plan limits (`inverter_credentials.plan`), e.g. `{ perMinute: 10 }`. */
  plan: Readonly<Record<string, unknown>>;
  now: () => Date;
  logger: Logger;
}

/** The vendor's app-level settings from the environment: client ids and secrets, hosts. */
export type VendorConfig = Readonly<Record<string, string | undefined>>;

/** A token endpoint call: retries 429/5xx; any other status is returned for the vendor to read. */
export type TokenCall = (request: HttpRequest) => Promise<HttpResult>;

/**
 * How an OAuth 2.0 or session vendor renews its access: the wire format only. The core decides
 * when (near expiry, after a 401), serialises renewals per credential across invocations, and
 * stores the new document encrypted before it is used.
 */
export interface TokenSpec<S> {
  /** The access token in use and when it expires (unknown for sessions without a lifetime). */
  current(secret: S): { accessToken?: string; expiresAt?: Date };
  /**
   * Returns the new secret document. Throws FatalCredentialError when the grant is gone
   * (`invalid_grant`, revoked, wrong password) with the vendor's message; RetriableError otherwise.
   */
  renew(call: TokenCall, secret: S, vendor: VendorConfig): Promise<S>;
  /** A resource answer that means the token expired although the status is not 401 (GoodWe). */
  isExpired?(result: HttpResult): boolean;
  /** Renew this long before expiry; default 5 minutes (SMA tokens live 300 s: use less). */
  marginSeconds?: number;
  /**
   * Vendors whose credentials come in two kinds (SolarEdge: an API key or a homeowner's OAuth
   * grant): false for a document that holds no token, which is then used as it is.
   */
  applies?(secret: S): boolean;
}

/** The authorization-code connect flow of an OAuth vendor. */
export interface ConnectSpec<S> {
  authorizeUrl(vendor: VendorConfig, redirectUri: string, state: string): string;
  /** `callback` is the callback's whole query, for vendors that put more in it (SolarEdge's site). */
  exchangeCode(
    call: TokenCall,
    vendor: VendorConfig,
    code: string,
    redirectUri: string,
    callback?: Readonly<Record<string, string>>,
  ): Promise<S>;
  /**
   * Settings only the connect flow needs, for a function that boots without them (SolarEdge
   * fleets use API keys alone); while one is unset both routes answer 501 naming it.
   */
  requiredConfig?: readonly string[];
}

export interface Adapter<S = unknown> {
  spec: AdapterSpec;
  /** Validates the decrypted credential document and lists the strings to redact from logs. */
  parseSecret(document: unknown): { secret: S; sensitive: string[] };
  /** Extra request headers that carry the credential (never recorded). */
  authHeaders(secret: S): Record<string, string>;
  /** Vendor wording for a status that disables the credential, for the operator. */
  describeFatal?(status: number): string | undefined;
  /** Token vendors (`auth` oauth2 or session): how tokens are renewed. */
  tokens?: TokenSpec<S>;
  /** OAuth vendors: the customer-facing connect flow. */
  connect?: ConnectSpec<S>;
  /** Names of the environment variables of `vendorConfig` this vendor requires. */
  requiredConfig?: readonly string[];
  /**
   * Lists the credential's sites. `known` holds the sites already stored for it (vendor site id to
   * time zone), so that a per-site look-up the list needs (SolarEdge's time zone) is made once.
   */
  fetchSitesList(ctx: AdapterContext<S>, known?: KnownSites): Promise<VendorSite[]>;
  fetchSiteData(
    ctx: AdapterContext<S>,
    site: { vendorSiteId: string; timezone?: string | null },
    window: Window,
  ): Promise<SiteData>;
}
