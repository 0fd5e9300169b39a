/** The contract between the fetcher core and each vendor adapter (ARCHITECTURE §3). */
import type { Logger } from "./logger.ts";
import type { HttpRequest, HttpResult } from "./http.ts";

export type Source = "solaredge" | "enphase" | "sma" | "goodwe";

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
  dropped: number;
  intervalsExpected: number;
  intervalsReceived: number;
}

export interface AdapterSpec {
  source: Source;
  apiVersion: string;
  baseUrl: string;
  auth: "apiKey" | "oauth2" | "session";
  pageSize: number;
  maxRangeHours: number;
  resolutionMinutes: number;
  rateLimits: { perMinute?: number; perDay?: number; perMonth?: number; concurrency: number };
  endpoints: readonly string[];
}

/** What an adapter gets for one credential: its secret, a paced HTTP client, a clock, a logger. */
export interface AdapterContext<S = unknown> {
  baseUrl: string;
  secret: S;
  http: (request: HttpRequest) => Promise<HttpResult>;
  now: () => Date;
  logger: Logger;
}

export interface Adapter<S = unknown> {
  spec: AdapterSpec;
  /** Validates the decrypted credential document and lists the strings to redact from logs. */
  parseSecret(document: unknown): { secret: S; sensitive: string[] };
  /** Extra request headers that carry the credential (never recorded). */
  authHeaders(secret: S): Record<string, string>;
  /** Vendor wording for a status that disables the credential, for the operator. */
  describeFatal?(status: number): string | undefined;
  fetchSitesList(ctx: AdapterContext<S>): Promise<VendorSite[]>;
  fetchSiteData(
    ctx: AdapterContext<S>,
    site: { vendorSiteId: string; timezone?: string | null },
    window: Window,
  ): Promise<SiteData>;
}
