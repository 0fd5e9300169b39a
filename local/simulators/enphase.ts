/**
 * A local Enphase Enlighten API v4 for the demo, the integration tests and the benchmark. It
 * serves the OAuth 2.0 server (`/oauth/authorize`, `/oauth/token`: Basic client auth, single-use
 * codes, rotating refresh tokens) and `/api/v4/systems` plus the production_micro and
 * production_meter telemetry, which need both the app's `key` and a bearer token issued to that
 * same app; per-app limits by plan answer 429. `/_sim` is an unauthenticated admin API.
 * Facts: ../../shared/vendors.md §2, https://developer-v4.enphase.com/docs/quickstart.html
 */
import { adminResponse } from "./enphase_admin.ts";
import { authorizeResponse } from "./enphase_authorize.ts";
import { apiError, notAuthorized } from "./enphase_errors.ts";
import {
  createEnphaseFaultStore,
  type EnphaseFault,
  enphaseFaultResponse,
} from "./enphase_faults.ts";
import type { PlanName } from "./enphase_plans.ts";
import { createRegistry, type RegisteredApp } from "./enphase_registry.ts";
import { systemsResponse } from "./enphase_systems.ts";
import { telemetryResponse } from "./enphase_telemetry.ts";
import { clientOf, tokenResponse, type TokenSettings } from "./enphase_token_endpoint.ts";
import { createTokenStore } from "./enphase_tokens.ts";
import { createUsage } from "./enphase_usage.ts";
import { serveSimulator } from "./serve.ts";

export type { EnphaseFault, FaultKind } from "./enphase_faults.ts";
export type { PlanName } from "./enphase_plans.ts";

export interface SimSystem {
  systemId: number;
  name: string;
  /** IANA zone; drives local night and day and the default `start_at` (local midnight). */
  timeZone: string;
  peakPowerKw: number;
  /** When the system first reported (ISO); no intervals before it. Default 2022-07-06. */
  operationalAt?: string;
}

/** An Enlighten homeowner, who approves apps and owns systems. */
export interface SimUser {
  email: string;
  password: string;
  systems: SimSystem[];
}

/** A developer app: OAuth client credentials plus the API key every API call carries. */
export interface SimApp {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  /** Sets the limits (Watt: 10 a minute, 1,000 a month); default Watt. */
  plan?: PlanName;
  /** Partner apps may use the password grant; default system. */
  appType?: "system" | "partner";
  /** Overrides the plan's limit, e.g. to test a spent monthly quota. */
  perMinute?: number;
  perMonth?: number;
}

export interface EnphaseSimulatorOptions {
  now?: () => Date;
  /** A rotated refresh token is rejected at once; default true. False: it works until it expires. */
  strictRotation?: boolean;
  /** Lifetime of new access tokens; default 86393 s, as Enphase issues them. */
  accessTokenLifetimeSeconds?: number;
}

export interface RequestLog {
  count: number;
  /** Request paths without the query, oldest first. */
  paths: string[];
  /** Paths with their query strings (key included), oldest first. */
  urls: string[];
}

export interface TokenRequestLog {
  count: number;
  /** The `grant_type` of every token request, oldest first ("" when absent). */
  grants: string[];
}

export interface EnphaseSimulator {
  handler: (req: Request) => Promise<Response>;
  /** Adds the app, or replaces the one with the same client id keeping its usage counters. */
  addApp(app: SimApp): void;
  /** Adds the user, or replaces the one with the same email (tokens stay valid). */
  addUser(user: SimUser): void;
  addFault(fault: EnphaseFault): void;
  clearFaults(): void;
  /** Lifetime in seconds of access tokens issued from now on. */
  setAccessTokenLifetime(seconds: number): void;
  /** The homeowner revokes access: their refresh tokens (optionally access tokens) stop working. */
  revokeRefreshTokens(email: string, options?: { accessTokens?: boolean }): number;
  /** Every API request that carried this `key`, answered or not. */
  requests(apiKey: string): RequestLog;
  /** Every request to /oauth/token, answered or not. */
  tokenRequests(): TokenRequestLog;
  resetRequests(): void;
}

const TELEMETRY = /^\/api\/v4\/systems\/([^/]+)\/telemetry\/(production_micro|production_meter)$/;

export function createEnphaseSimulator(options: EnphaseSimulatorOptions = {}): EnphaseSimulator {
  const now = options.now ?? (() => new Date());
  const settings: TokenSettings = {
    accessTokenLifetimeSeconds: checkedLifetime(options.accessTokenLifetimeSeconds ?? 86_393),
    strictRotation: options.strictRotation ?? true,
  };
  const registry = createRegistry();
  const tokens = createTokenStore();
  const usage = createUsage();
  const faults = createEnphaseFaultStore();
  let apiLog = new Map<string, string[]>();
  let grants: string[] = [];

  async function api(req: Request, url: URL, at: Date): Promise<Response> {
    const key = url.searchParams.get("key");
    if (key !== null) apiLog.set(key, [...(apiLog.get(key) ?? []), url.pathname + url.search]);
    const app = key === null ? undefined : registry.appByKey(key);
    if (!app) return notAuthorized();
    const refused = usage.take(app.apiKey, app.limits, at.getTime());
    if (refused) {
      // The Swagger's 429 example (summary endpoint) names the period and its bounds; `month` as
      // the other value is from vendors.md "Corrections, December 2026".
      return apiError(429, "Too Many Requests", `Usage limit exceeded for plan ${app.plan}`, {
        period: refused.period,
        period_start: refused.periodStart,
        period_end: refused.periodEnd,
        limit: refused.limit,
      });
    }
    const fired = faults.take(app.apiKey, url.pathname);
    const real = () => Promise.resolve(authorized(app, req, url, at));
    return fired ? await enphaseFaultResponse(fired, app.plan, req.signal, real) : await real();
  }

  function authorized(app: RegisteredApp, req: Request, url: URL, at: Date): Response {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
    const grant = bearer === undefined ? undefined : tokens.access(bearer, at.getTime());
    const user = grant && registry.user(grant.email);
    if (!grant || !user) return notAuthorized();
    // The wording Enphase uses when the key and the token belong to different apps (§2.2).
    if (grant.clientId !== app.clientId) return notAuthorized("API Key -Client mismatch");
    if (req.method !== "GET") {
      return Response.json({ reason: "405", message: ["Method not allowed"] }, { status: 405 });
    }
    if (url.pathname === "/api/v4/systems") {
      return systemsResponse(user.systems, url.searchParams, at);
    }
    const m = TELEMETRY.exec(url.pathname);
    if (!m) return Response.json({ reason: "501", message: ["Not Implemented"] }, { status: 501 });
    const system = user.systems.find((s) => String(s.systemId) === m[1]);
    if (system) return telemetryResponse(system, m[2] as "production_micro", url.searchParams, at);
    if (/^\d+$/.test(m[1]) && registry.ownerOf(Number(m[1])) !== undefined) {
      return apiError(403, "Forbidden", "Not authorized to access this resource");
    }
    return apiError(404, "Not Found", `System not found for {:id=>"${m[1]}"}`);
  }

  async function token(req: Request, url: URL, at: Date): Promise<Response> {
    grants.push(url.searchParams.get("grant_type") ?? "");
    const fired = faults.take("", url.pathname);
    const deps = { registry, tokens, nowMs: at.getTime(), settings };
    const real = () => Promise.resolve(tokenResponse(req, url, deps));
    if (!fired) return await real();
    const client = clientOf(req.headers.get("authorization"), registry);
    const plan = typeof client === "string" ? "Watt" : client.plan;
    return await enphaseFaultResponse(fired, plan, req.signal, real);
  }

  const sim: EnphaseSimulator = {
    async handler(req) {
      const url = new URL(req.url);
      const at = now();
      const path = url.pathname;
      if (path === "/_sim" || path.startsWith("/_sim/")) return await adminResponse(sim, req, url);
      if (path === "/oauth/authorize") {
        return authorizeResponse(url, { registry, tokens, nowMs: at.getTime() });
      }
      if (path === "/oauth/token") return await token(req, url, at);
      if (path === "/api/v4" || path.startsWith("/api/v4/")) return await api(req, url, at);
      return apiError(404, "Not Found", `No route matches ${path}`);
    },
    addApp: (app) => void registry.addApp(app),
    addUser: (user) => void registry.addUser(user),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setAccessTokenLifetime(seconds) {
      settings.accessTokenLifetimeSeconds = checkedLifetime(seconds);
    },
    revokeRefreshTokens: (email, options) => tokens.revoke(email, options),
    requests(apiKey) {
      const urls = [...(apiLog.get(apiKey) ?? [])];
      return { count: urls.length, paths: urls.map((u) => u.split("?")[0]), urls };
    },
    tokenRequests: () => ({ count: grants.length, grants: [...grants] }),
    resetRequests() {
      apiLog = new Map();
      grants = [];
    },
  };
  return sim;
}

function checkedLifetime(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new TypeError("Cannot set the access token lifetime: seconds must be a positive integer");
  }
  return seconds;
}

/** Serves a simulator on 127.0.0.1 (port 0 picks a free port: read `server.addr.port`). */
export function serveEnphaseSimulator(
  options: { port: number; hostname?: string } & EnphaseSimulatorOptions,
): { server: Deno.HttpServer<Deno.NetAddr>; sim: EnphaseSimulator } {
  return serveSimulator(createEnphaseSimulator, options);
}
