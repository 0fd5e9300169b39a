/**
 * Runs the GoodWe adapter against the simulator in-process: the simulator's handler is the
 * `fetch`, the clock is fixed, and the context is built here because the core's renew-on-expiry
 * wrapper is not part of the adapter: `logIn()` plays the core's renewal and stores the new
 * document, and `ctx.http` adds `goodwe.authHeaders` of whatever document is current.
 */
import { goodwe, type GoodWeSecret } from "../../supabase/functions/goodwe/adapter.ts";
import {
  createGoodWeSimulator,
  type SimAccount,
  type SimPlant,
} from "../../local/simulators/goodwe.ts";
import { fetchWithRetry, type HttpOptions } from "../http.ts";
import { createLogger } from "../logger.ts";
import type { AdapterContext, TokenCall, VendorConfig } from "../types.ts";

export const UTRECHT: SimPlant = {
  id: "5d7c3a1e-9b2f-4e6a-8c4d-0f1e2a3b4c5d",
  name: "Utrecht barn",
  timeZone: "Europe/Amsterdam",
  capacityKw: 4.2,
};
export const PERTH: SimPlant = {
  id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  name: "Perth shed",
  timeZone: "Australia/Perth",
  capacityKw: 8,
};
export const ACCOUNT = "owner@example.com";
export const PASSWORD = "Secr3t-pw!";

export interface SetupOptions {
  account?: Partial<SimAccount>;
  vendor?: VendorConfig;
  now?: string;
  /** Answers instead of the simulator, for bodies the simulator never sends. */
  fetch?: typeof fetch;
}

export function setup(options: SetupOptions = {}) {
  let nowMs = Date.parse(options.now ?? "2026-10-26T12:03:00Z");
  const sim = createGoodWeSimulator({ now: () => new Date(nowMs) });
  sim.addAccount({
    account: ACCOUNT,
    password: PASSWORD,
    plants: [UTRECHT, PERTH],
    ...options.account,
  });
  const http: HttpOptions = {
    fetch: options.fetch ??
      ((input: string | URL | Request, init?: RequestInit) =>
        sim.handler(new Request(input, init))) as typeof fetch,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    retries: 1,
  };
  const vendor: VendorConfig = {
    GOODWE_LOGIN_URL: "http://sim.test",
    GOODWE_LOGIN_URL_EU: "http://sim.test/eu-semsplus",
    GOODWE_LOGIN_URL_CN: "http://sim.test/cn-semsplus",
    GOODWE_LEGACY_LOGIN_URL: "http://sim.test",
    ...options.vendor,
  };
  let secret: GoodWeSecret = { account: options.account?.account ?? ACCOUNT, password: PASSWORD };
  const lines: string[] = [];
  const ctx: AdapterContext<GoodWeSecret> = {
    baseUrl: vendor.GOODWE_LOGIN_URL!,
    get secret() {
      return secret;
    },
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...goodwe.authHeaders(secret) } }, http),
    vendorConfig: vendor,
    plan: {},
    now: () => new Date(nowMs),
    logger: createLogger({ write: (line) => lines.push(line) }),
  };
  const call: TokenCall = (req) => fetchWithRetry(req, http);
  // Each logIn() is a run of its own (a new token call), as the core opens the credential anew
  // for every run; `call` is one run's, for tests of what a run does on its second renewal.
  const logIn = async (runCall: TokenCall = (req) => fetchWithRetry(req, http)) => {
    secret = await goodwe.tokens!.renew(runCall, secret, vendor);
    return secret;
  };
  return {
    sim,
    ctx,
    call,
    vendor,
    lines,
    logIn,
    setSecret: (s: GoodWeSecret) => secret = s,
    setNow: (iso: string) => nowMs = Date.parse(iso),
  };
}

/** A `fetch` that answers each request with the next canned body (HTTP 200) and records it. */
export function cannedFetch(bodies: unknown[]) {
  const requests: { url: string; headers: Headers; body: string }[] = [];
  const answer = (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    requests.push({ url: req.url, headers: req.headers, body: await req.text() });
    const next = bodies.shift();
    return new Response(typeof next === "string" ? next : JSON.stringify(next));
  }) as typeof fetch;
  return { fetch: answer, requests };
}
