/**
 * A local SolarEdge Monitoring API V2 for the demo, the integration tests and the benchmark.
 * It serves `/v2/sites` and `/v2/sites/{id}/power|energy` (QUARTER_HOUR) with `X-API-Key` (+
 * `X-Account-Key` for fleet accounts) auth, the per-minute limit and its `x-ratelimit-*-minute`
 * headers, problem+json errors, and 410 for the V1 API retired in 2026; homeowners' Site Access
 * (OAuth 2.0: `/authorize`, `/v2/oauth2/token`, bearer tokens for one site) is
 * solaredge_oauth.ts. `/_sim` is an unauthenticated admin API for accounts, fault switches and the
 * request log.
 * Facts: ../../shared/vendors.md §1.6 and §1.8, https://developers.solaredge.com/docs/monitoring
 */
import { adminResponse } from "./solaredge_admin.ts";
import { createFaultStore, faultResponse, type SimFault } from "./solaredge_faults.ts";
import { problem } from "./solaredge_problem.ts";
import { createRateLimit } from "./solaredge_rate_limit.ts";
import { seriesResponse } from "./solaredge_series.ts";
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
}

export interface SimAccount {
  apiKey: string;
  /** When set, requests must also carry it in `X-Account-Key` (fleet accounts). */
  accountKey?: string;
  sites: SimSite[];
  perMinuteLimit?: number;
}

export interface SolarEdgeSimulatorOptions {
  now?: () => Date;
  /** Requests per minute per API key unless the account overrides it; default 300. */
  perMinuteLimit?: number;
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
  /** Every request that presented this API key (header or V1 `api_key`), answered or not. */
  requests(apiKey: string): RequestLog;
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
      let res: Response;
      if (!decision.allowed) {
        res = problem(
          429,
          "Too Many Requests",
          `Rate limit exceeded: at most ${limit} requests per minute`,
          { "retry-after": String(decision.retryAfterSeconds) },
        );
      } else {
        const fired = faults.take(account.apiKey, url.pathname);
        const real = () => Promise.resolve(route(account, req, url, at));
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
    requests(apiKey) {
      const urls = [...(log.get(apiKey) ?? [])];
      return { count: urls.length, paths: urls.map((u) => u.split("?")[0]), urls };
    },
    resetRequests() {
      log = new Map();
      oauth.resetRequests();
    },
    oauth,
  };
  return sim;
}

function route(account: SimAccount, req: Request, url: URL, at: Date): Response {
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
    if (m[2] === undefined) return Response.json(siteJson(site));
    if (m[2] === "/power" || m[2] === "/energy") {
      return seriesResponse(site, m[2] === "/power" ? "power" : "energy", url.searchParams, at);
    }
  }
  return problem(404, "Not Found", `No such endpoint: ${url.pathname}`);
}

function sitesResponse(account: SimAccount, params: URLSearchParams): Response {
  const page = wholeNumber(params.get("page") ?? "1");
  if (page === undefined || page < 1) {
    return problem(400, "Bad Request", "Invalid parameter page: expected an integer from 1");
  }
  const size = wholeNumber(params.get("size") ?? "100");
  if (size === undefined || size < 1 || size > 100) {
    return problem(400, "Bad Request", "Invalid parameter size: expected an integer from 1 to 100");
  }
  const site = account.sites.slice((page - 1) * size, page * size).map(siteJson);
  return Response.json({ sites: { count: account.sites.length, site } });
}

function siteJson(s: SimSite) {
  return {
    siteId: s.siteId,
    name: s.name,
    peakPower: s.peakPowerKw,
    installationDate: s.installationDate ?? "2021-05-04",
    location: {
      country: s.country ?? COUNTRIES[s.timeZone] ?? "",
      city: s.city ?? s.timeZone.split("/").at(-1)!.replaceAll("_", " "),
      timeZone: s.timeZone,
    },
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
