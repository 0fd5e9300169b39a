/**
 * A local SolarEdge Monitoring API V2 for the demo, the integration tests and the benchmark.
 * It serves `/v2/sites` (paged by `page` and `sites-in-page`), `/v2/sites/{id}` and
 * `/v2/sites/{id}/power|energy` (QUARTER_HOUR, naive site-local `from`/`to`, at most 12 hours)
 * with `X-API-Key` (+ `X-Account-Key` for fleet accounts) auth; the per-minute limit with its
 * `x-ratelimit-*-minute` headers and a monthly credit counter per key, each with its own kind of
 * 429; RFC 7807 problem+json errors; and 410 for the V1 API retired in 2026. Homeowners' Site
 * Access (OAuth 2.0: `/authorize`, `/v2/oauth2/token`, bearer tokens for one site) is
 * solaredge_oauth.ts. `/_sim` is an unauthenticated admin API for accounts, fault switches and
 * the request log.
 * Facts: ../../shared/vendors.md "Corrections, December 2026" (overriding §1.8), §1.6.
 */
import { adminResponse } from "./solaredge_admin.ts";
import { createFaultStore, faultResponse, type SimFault } from "./solaredge_faults.ts";
import { problem } from "./solaredge_problem.ts";
import { createRateLimit } from "./solaredge_rate_limit.ts";
import { type EnergyUnit, type PowerUnit, seriesResponse } from "./solaredge_series.ts";
import { createCredits } from "./solaredge_credits.ts";
import { validAccount } from "./solaredge_accounts.ts";
import { serveSimulator } from "./serve.ts";
import { authorizeResponse } from "./solaredge_authorize.ts";
import { createSolarEdgeOAuth, type SolarEdgeOAuth } from "./solaredge_oauth.ts";

export type { FaultKind, SimFault } from "./solaredge_faults.ts";
export type { SimHomeowner, SimOAuthClient } from "./solaredge_oauth.ts";

export interface SimSite {
  siteId: number;
  name: string;
  /** IANA zone; drives local night and day and the offsets printed in timestamps. */
  timeZone: string;
  peakPowerKw: number;
  country?: string;
  city?: string;
  installationDate?: string;
  /** The unit answered when a request names none (default W and WH): sites differ. */
  powerUnit?: PowerUnit;
  energyUnit?: EnergyUnit;
  /** False: `GET /sites/{id}` shows no time zone either, so the operator must set it. */
  publishTimeZone?: boolean;
}

export interface SimAccount {
  apiKey: string;
  /** When set, requests must also carry it in `X-Account-Key` (fleet accounts). */
  accountKey?: string;
  sites: SimSite[];
  perMinuteLimit?: number;
  /** Credits per calendar month (UTC) for this key; the simulator's default otherwise. */
  monthlyCredits?: number;
  /** Answers every `/sites` page with the first one, like a server that ignores `page`. */
  ignoresPaging?: boolean;
}

export interface SolarEdgeSimulatorOptions {
  now?: () => Date;
  /** Requests per minute per API key unless the account overrides it; default 300. */
  perMinuteLimit?: number;
  /**
   * How a wall time of a repeated (fall-back) hour is read; default "earlier". The API does not
   * say, so clients are tested against both.
   */
  repeatedWallTime?: "earlier" | "later";
  /**
   * Credits per API key and month unless the account overrides it; default 2,000, the free tier
   * (every call costs one credit, vendors.md Corrections December 2026).
   */
  monthlyCredits?: number;
}

export interface RequestLog {
  count: number;
  /** Request paths without the query, oldest first. */
  paths: string[];
  /** Paths with their query strings, oldest first. */
  urls: string[];
}

export interface SolarEdgeSimulator {
  handler: (req: Request) => Promise<Response>;
  /** Adds the account, or replaces the one with the same API key while keeping its counters. */
  addAccount(account: SimAccount): void;
  removeAccount(apiKey: string): boolean;
  addFault(fault: SimFault): void;
  clearFaults(): void;
  /** Requests the faults have failed since the simulator started. */
  faultsFired(): number;
  /** Every request that presented this API key (header or V1 `api_key`), answered or not. */
  requests(apiKey: string): RequestLog;
  /** Credits this key has spent in the current month. */
  creditsUsed(apiKey: string): number;
  resetRequests(): void;
  /** Site Access: the OAuth app, homeowners, grants and their tokens. */
  oauth: SolarEdgeOAuth;
}

const V1_RETIRED = "Monitoring API V1 was retired: use the V2 API under /v2 with a V2 API key " +
  "in the X-API-Key header";
const SITE_PATH = /^\/v2\/sites\/([^/]+)(\/.*)?$/;

export function createSolarEdgeSimulator(
  options: SolarEdgeSimulatorOptions = {},
): SolarEdgeSimulator {
  const now = options.now ?? (() => new Date());
  const defaultLimit = options.perMinuteLimit ?? 300;
  const accounts = new Map<string, SimAccount>();
  const faults = createFaultStore();
  const rate = createRateLimit();
  const credits = createCredits();
  const defaultCredits = options.monthlyCredits ?? 2000;
  let log = new Map<string, string[]>();
  const oauth = createSolarEdgeOAuth(now);

  const sim: SolarEdgeSimulator = {
    async handler(req) {
      const url = new URL(req.url);
      if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) {
        return await adminResponse(sim, req, url);
      }
      // One server plays connect.solaredge.com and the token endpoint (vendors.md, Site Access).
      if (url.pathname === "/authorize") return authorizeResponse(url, oauth);
      if (url.pathname === "/v2/oauth2/token") return await oauth.tokenResponse(req);
      if (url.pathname === "/v2/oauth2/revoke-token") return await oauth.revokeResponse(req);
      const presented = req.headers.get("x-api-key") ?? url.searchParams.get("api_key");
      if (presented !== null) {
        const seen = log.get(presented) ?? [];
        seen.push(url.pathname + url.search);
        log.set(presented, seen);
      }
      const isV2 = url.pathname === "/v2" || url.pathname.startsWith("/v2/");
      if (!isV2 || url.searchParams.has("api_key")) return problem(410, "Gone", V1_RETIRED);

      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
      const granted = bearer !== undefined && !req.headers.has("x-api-key")
        ? oauth.bearerAccount(bearer, url.pathname)
        : undefined;
      if (granted instanceof Response) return granted;
      const account = granted ?? accounts.get(req.headers.get("x-api-key") ?? "");
      if (
        !account ||
        (account.accountKey !== undefined &&
          req.headers.get("x-account-key") !== account.accountKey)
      ) {
        return problem(401, "Unauthorized - Authentication Failed", "Invalid API key");
      }

      const at = now();
      const limit = account.perMinuteLimit ?? defaultLimit;
      const decision = rate.take(account.apiKey, limit, at.getTime());
      const monthly = account.monthlyCredits ?? defaultCredits;
      let res: Response;
      if (!decision.allowed) {
        // The per-minute kind: retry-after, and no minute calls left (vendors.md Corrections).
        res = problem(
          429,
          "Too Many Requests",
          `Rate limit exceeded: at most ${limit} requests per minute`,
          { "retry-after": String(decision.retryAfterSeconds) },
        );
      } else if (!credits.spend(account.apiKey, monthly, at)) {
        // The monthly kind: minute calls left, no retry-after; resets with the billing cycle
        // (modelled as the UTC calendar month: the real cycle is the account's, unpublished).
        res = problem(
          429,
          "Too Many Requests",
          `Monthly API credit quota exceeded: ${monthly} credits used`,
        );
      } else {
        const fired = faults.take(account.apiKey, url.pathname);
        const real = () =>
          Promise.resolve(route(account, req, url, at, options.repeatedWallTime ?? "earlier"));
        res = fired ? await faultResponse(fired, req.signal, real) : await real();
      }
      res.headers.set("x-ratelimit-limit-minute", String(decision.limit));
      res.headers.set("x-ratelimit-remaining-minute", String(decision.remaining));
      return res;
    },
    addAccount(account) {
      const valid = validAccount(account);
      accounts.set(valid.apiKey, valid);
    },
    removeAccount: (apiKey) => accounts.delete(apiKey),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    faultsFired: () => faults.fired(),
    requests(apiKey) {
      const urls = [...(log.get(apiKey) ?? [])];
      return { count: urls.length, paths: urls.map((u) => u.split("?")[0]), urls };
    },
    resetRequests() {
      log = new Map();
      oauth.resetRequests();
    },
    oauth,
    creditsUsed: (apiKey) => credits.used(apiKey, now()),
  };
  return sim;
}

function route(
  account: SimAccount,
  req: Request,
  url: URL,
  at: Date,
  repeated: "earlier" | "later",
): Response {
  if (req.method !== "GET") {
    return problem(405, "Method Not Allowed", `Cannot ${req.method} ${url.pathname}`, {
      allow: "GET",
    });
  }
  if (url.pathname === "/v2/sites") return sitesResponse(account, url.searchParams);
  const m = SITE_PATH.exec(url.pathname);
  if (m) {
    const site = account.sites.find((s) => String(s.siteId) === m[1]);
    if (!site) return problem(403, "Forbidden", `Site ${m[1]} is not accessible with this API key`);
    // The site's own record, which also checks a Site Access grant (vendors.md, Corrections).
    if (m[2] === undefined) return Response.json(siteObject(site, true));
    if (m[2] === "/power" || m[2] === "/energy") {
      const kind = m[2] === "/power" ? "power" : "energy";
      return seriesResponse(site, kind, url.searchParams, at, repeated);
    }
  }
  return problem(404, "Not Found", `No such endpoint: ${url.pathname}`);
}

/**
 * `page` from 1 and `sites-in-page` up to 1,000; a short page ends the list (vendors.md
 * Corrections). Not published, and chosen here: the default page size (1,000) and that V1's
 * `size` is ignored like any unknown parameter.
 */
function sitesResponse(account: SimAccount, params: URLSearchParams): Response {
  const page = wholeNumber(params.get("page") ?? "1");
  if (page === undefined || page < 1) {
    return problem(400, "Bad Request", "Invalid parameter page: expected an integer from 1");
  }
  const size = wholeNumber(params.get("sites-in-page") ?? "1000");
  if (size === undefined || size < 1 || size > 1000) {
    return problem(
      400,
      "Bad Request",
      "Invalid parameter sites-in-page: expected an integer from 1 to 1000",
    );
  }
  const first = account.ignoresPaging ? 0 : (page - 1) * size;
  const listed = account.sites.slice(first, first + size);
  const site = listed.map((s) => siteObject(s, false));
  return Response.json({ sites: { count: account.sites.length, site } });
}

/**
 * A site as `/sites` lists it and `GET /sites/{id}` shows it. No public `/sites` response shows a
 * `location.timeZone` (vendors.md Corrections), so only the single site carries one; the shape of
 * that single-site answer is not published (modelled on the list's items, V1's `details`).
 */
function siteObject(s: SimSite, details: boolean) {
  const location: Record<string, string> = {
    country: s.country ?? COUNTRIES[s.timeZone] ?? "",
    city: s.city ?? s.timeZone.split("/").at(-1)!.replaceAll("_", " "),
  };
  if (details && s.publishTimeZone !== false) location.timeZone = s.timeZone;
  return {
    siteId: s.siteId,
    name: s.name,
    peakPower: s.peakPowerKw,
    installationDate: s.installationDate ?? "2021-05-04",
    location,
    activationStatus: "ACTIVE",
    note: "",
  };
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

const COUNTRIES: Record<string, string> = {
  "Europe/Berlin": "Germany",
  "Europe/London": "United Kingdom",
  "Europe/Paris": "France",
  "Europe/Madrid": "Spain",
  "Europe/Rome": "Italy",
  "Europe/Amsterdam": "Netherlands",
  "Asia/Jerusalem": "Israel",
  "America/New_York": "United States",
  "America/Chicago": "United States",
  "America/Denver": "United States",
  "America/Los_Angeles": "United States",
  "Australia/Sydney": "Australia",
};

/** Serves a simulator on 127.0.0.1 (port 0 picks a free port: read `server.addr.port`). */
export function serveSolarEdgeSimulator(
  options: { port: number; hostname?: string } & SolarEdgeSimulatorOptions,
): { server: Deno.HttpServer<Deno.NetAddr>; sim: SolarEdgeSimulator } {
  return serveSimulator(createSolarEdgeSimulator, options);
}
