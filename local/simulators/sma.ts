/**
 * A local SMA cloud for the demo, the integration tests and the benchmark. One handler stands for
 * all three SMA hosts on different path prefixes, so one port serves them:
 * - auth (auth.smaapis.de): `/oauth2/auth` (login, authorization code) and `/oauth2/token`;
 * - backchannel consent (async-auth.smaapis.de): `/oauth2/v2/bc-authorize...`;
 * - Monitoring API (monitoring.smaapis.de): `/v1/...` with a bearer token, limited per API client
 *   (not per owner: every owner's token under one client spends the same window) per 5-minute
 *   window, 429 without Retry-After (vendors.md §3.5 and "Corrections, December 2026", SMA).
 * `/_sim` is an unauthenticated admin API for clients, owners, faults and the request log.
 * Facts: ../../shared/vendors.md §3, https://developer.sma.de/sma-apis.html
 */
import { adminResponse } from "./sma_admin.ts";
import { authorizeResponse } from "./sma_authorize.ts";
import { backchannelResponse, BC_PATH } from "./sma_backchannel.ts";
import { validClient, validOwner } from "./sma_accounts.ts";
import { createConsentStore } from "./sma_consents.ts";
import { apiError } from "./sma_errors.ts";
import { createFaultStore, faultResponse, type SmaFault } from "./sma_faults.ts";
import { monitoringResponse } from "./sma_monitoring.ts";
import { createWindowLimit } from "./sma_rate_limit.ts";
import { bearerGrant, type SmaState } from "./sma_state.ts";
import { clientCredentials, tokenEndpointResponse } from "./sma_token_endpoint.ts";
import { createTokenStore } from "./sma_tokens.ts";
import { serveSimulator } from "./serve.ts";

export type { SmaFault, SmaFaultKind } from "./sma_faults.ts";

export interface SmaSimDevice {
  deviceId: string;
  name: string;
  /** AC nameplate (`generatorPower`); production is clipped here. */
  generatorPowerW: number;
  /** DC peak of the panels, which drives the PV curve. */
  peakPowerKw: number;
  /**
   * The device's measurement sets; default the captured inverter's EnergyAndPowerPv, PowerDc,
   * PowerAc (vendors.md §3.3). A day set the device does not list answers 404 (an assumption).
   */
  sets?: string[];
}

export interface SmaSimPlant {
  plantId: string;
  name: string;
  /** IANA zone: local night and day, and the naive wall times of the day sets. */
  timeZone: string;
  devices: SmaSimDevice[];
  /**
   * Report zeros through the night instead of omitting the sleeping hours (the fixtures' way, the
   * default). With it a day set is complete: 23 hours of entries in spring, 25 in autumn.
   */
  nightZeros?: boolean;
}

export interface SmaSimOwner {
  email: string;
  password: string;
  plants: SmaSimPlant[];
}

export interface SmaSimClient {
  clientId: string;
  clientSecret: string;
  /** Monitoring requests per 5-minute window for this client; default 60. */
  perFiveMinutes?: number;
}

export interface SmaSimulatorOptions {
  now?: () => Date;
  /** An old refresh token works until its successor is used, instead of never again. */
  allowRefreshReuse?: boolean;
}

export interface RequestLog {
  count: number;
  /** Request paths without the query, oldest first. */
  paths: string[];
  /** Paths with their query strings, oldest first. */
  urls: string[];
}

export interface SmaSimulator {
  handler: (req: Request) => Promise<Response>;
  /** Adds the client, or replaces the one with the same id keeping its rate window. */
  addClient(client: SmaSimClient): void;
  /** Adds the owner, or replaces the one with the same e-mail keeping their tokens. */
  addOwner(owner: SmaSimOwner): void;
  addFault(fault: SmaFault): void;
  clearFaults(): void;
  /** Lifetime of access tokens issued from now on; SMA's is 300 s. */
  setAccessTokenLifetime(seconds: number): void;
  /** The owner withdraws access: refresh tokens answer invalid_grant, consents turn "Revoked". */
  revokeOwner(email: string): boolean;
  /** Token endpoint requests so far, failed ones included, optionally of one grant type. */
  tokenRequests(grantType?: string): number;
  /** Every request, or those made with one client's credentials or tokens. */
  requests(clientId?: string): RequestLog;
  resetRequests(): void;
}

export function createSmaSimulator(options: SmaSimulatorOptions = {}): SmaSimulator {
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const state: SmaState = {
    now,
    clients: new Map(),
    owners: new Map(),
    tokens: createTokenStore({ now, allowRefreshReuse: options.allowRefreshReuse }),
    consents: createConsentStore(now),
    tokenLog: [],
  };
  const faults = createFaultStore();
  const limit = createWindowLimit();
  let log: { clientId?: string; url: string }[] = [];

  const sim: SmaSimulator = {
    async handler(req) {
      const url = new URL(req.url);
      const path = url.pathname;
      if (path === "/_sim" || path.startsWith("/_sim/")) return await adminResponse(sim, req, url);
      const clientId = await requestClient(state, req, url);
      log.push({ clientId, url: path + url.search });
      if (path.startsWith("/v1/")) return await monitoring(req, url);
      const route = path === "/oauth2/auth"
        ? () => authorizeResponse(state, req, url)
        : path === "/oauth2/token"
        ? () => tokenEndpointResponse(state, req)
        : path === BC_PATH || path.startsWith(`${BC_PATH}/`)
        ? () => backchannelResponse(state, req, url)
        : undefined;
      if (!route) return apiError(404, `No such endpoint: ${path}`);
      const fired = faults.take(clientId, path);
      return fired ? await faultResponse(fired, req.signal, route) : await route();
    },
    addClient(client) {
      const valid = validClient(client);
      state.clients.set(valid.clientId, valid);
    },
    addOwner(owner) {
      const others = [...state.owners.values()].filter((o) => o.email !== owner?.email);
      const plants = others.flatMap((o) => o.plants);
      const valid = validOwner(owner, {
        plantIds: new Set(plants.map((p) => p.plantId)),
        deviceIds: new Set(plants.flatMap((p) => p.devices.map((d) => d.deviceId))),
      });
      state.owners.set(valid.email, valid);
    },
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setAccessTokenLifetime: (seconds) => state.tokens.setAccessTokenLifetime(seconds),
    revokeOwner(email) {
      if (!state.owners.has(email)) return false;
      state.tokens.revokeOwner(email);
      state.consents.revokeOwner(email);
      return true;
    },
    tokenRequests: (grantType) =>
      state.tokenLog.filter((g) => grantType === undefined || g === grantType).length,
    requests(clientId) {
      const urls = log.filter((e) => clientId === undefined || e.clientId === clientId)
        .map((e) => e.url);
      return { count: urls.length, paths: urls.map((u) => u.split("?")[0]), urls };
    },
    resetRequests() {
      log = [];
      state.tokenLog.length = 0;
    },
  };

  async function monitoring(req: Request, url: URL): Promise<Response> {
    const grant = bearerGrant(state, req);
    if (!grant) {
      return apiError(401, "The access token is missing, expired or invalid", {
        "www-authenticate": 'Bearer error="invalid_token"',
      });
    }
    const client = state.clients.get(grant.clientId)!;
    if (!limit.take(client.clientId, client.perFiveMinutes, now())) {
      return apiError(429, "Rate limit exceeded");
    }
    const fired = faults.take(client.clientId, url.pathname);
    const real = (o: { spike?: boolean; unreadableTimes?: boolean } = {}) =>
      monitoringResponse(state, grant, req, url, o);
    if (!fired) return real();
    if (fired.fault.kind === "spike") return real({ spike: true });
    if (fired.fault.kind === "unreadable_time") return real({ unreadableTimes: true });
    return await faultResponse(fired, req.signal, () => Promise.resolve(real()));
  }

  return sim;
}

/** Whose request this is, for the log: the bearer's client, or the client id it presents. */
async function requestClient(state: SmaState, req: Request, url: URL) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (bearer) return state.tokens.peek(bearer)?.clientId;
  if (url.pathname === "/oauth2/token") {
    const isForm = (req.headers.get("content-type") ?? "").includes("x-www-form-urlencoded");
    const form = new URLSearchParams(isForm ? await req.clone().text() : "");
    return clientCredentials(req, form)[0] || undefined;
  }
  return url.searchParams.get("client_id") ?? undefined;
}

/** Serves a simulator on 127.0.0.1 (port 0 picks a free port: read `server.addr.port`). */
export function serveSmaSimulator(
  options: { port: number; hostname?: string } & SmaSimulatorOptions,
): { server: Deno.HttpServer<Deno.NetAddr>; sim: SmaSimulator } {
  return serveSimulator(createSmaSimulator, options);
}
