/**
 * Test set-up for the Enphase adapter against the Enphase simulator, in-process: the simulator's
 * handler is injected as `fetch`, the clock is fixed and moved only by the retry sleeps, and the
 * AdapterContext is built here the way the core builds it, so OAuth, paging, day chunks and
 * retries run without a network.
 */
import { createEnphaseSimulator, type SimUser } from "../../local/simulators/enphase.ts";
import { fetchWithRetry, type HttpOptions } from "../http.ts";
import { createLogger } from "../logger.ts";
import type { AdapterContext, TokenCall, VendorConfig } from "../types.ts";
import { enphase, type EnphaseSecret } from "../../supabase/functions/enphase/adapter.ts";

const NOW = Date.parse("2026-06-15T12:07:00Z");
export const BASE = "http://sim.test/api/v4";
export const REDIRECT = "https://fetcher.test/enphase/callback";
export const APP = { clientId: "client-a", clientSecret: "secret-a-123", apiKey: "KEY-A-123456" };
export const OTHER_APP = {
  clientId: "client-b",
  clientSecret: "secret-b-456",
  apiKey: "KEY-B-654321",
};
export const VENDOR: VendorConfig = {
  ENPHASE_CLIENT_ID: APP.clientId,
  ENPHASE_CLIENT_SECRET: APP.clientSecret,
  ENPHASE_API_KEY: APP.apiKey,
  ENPHASE_AUTH_URL: "http://sim.test",
};
export const OWNER: SimUser = {
  email: "owner@example.com",
  password: "owner-pass",
  systems: [
    { systemId: 2875, name: "Albany", timeZone: "America/New_York", peakPowerKw: 6.4 },
    { systemId: 5254, name: "Sydney", timeZone: "Australia/Sydney", peakPowerKw: 8 },
  ],
};

export function setupEnphase(options: { systems?: SimUser["systems"] } = {}) {
  let clock = NOW;
  const sim = createEnphaseSimulator({ now: () => new Date(clock) });
  sim.addApp(APP);
  sim.addApp({ ...OTHER_APP, plan: "Kilowatt" });
  sim.addUser({ ...OWNER, systems: options.systems ?? OWNER.systems });
  sim.addUser({
    email: "neighbour@example.com",
    password: "p",
    systems: [{ systemId: 9001, name: "Lyon", timeZone: "Europe/Paris", peakPowerKw: 4 }],
  });
  const sleeps: number[] = [];
  const lines: string[] = [];
  const http: HttpOptions = {
    fetch:
      ((input: string, init?: RequestInit) =>
        sim.handler(new Request(input, init))) as typeof fetch,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    random: () => 0.5,
    fatalMessage: (status) => enphase.describeFatal?.(status),
  };
  const call: TokenCall = (req) => fetchWithRetry(req, http);
  const context = (
    secret: EnphaseSecret,
    vendorConfig = VENDOR,
  ): AdapterContext<EnphaseSecret> => ({
    baseUrl: BASE,
    secret,
    vendorConfig,
    plan: {},
    now: () => new Date(clock),
    logger: createLogger({ write: (l) => lines.push(l) }),
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...enphase.authHeaders(secret) } }, http),
  });
  /** The homeowner approves in the browser; the callback exchanges the code. */
  const connect = async (vendorConfig = VENDOR, email = OWNER.email) => {
    const url = enphase.connect!.authorizeUrl(vendorConfig, REDIRECT, "state-1");
    const approved = await sim.handler(new Request(`${url}&approve_as=${email}`));
    const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
    return await enphase.connect!.exchangeCode(call, vendorConfig, code, REDIRECT);
  };
  return {
    sim,
    call,
    context,
    connect,
    sleeps,
    lines,
    setClock: (iso: string) => clock = Date.parse(iso),
    advance: (ms: number) => clock += ms,
  };
}

export const day = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

const SECRET: EnphaseSecret = {
  accessToken: "access-canned",
  refreshToken: "refresh-canned",
  expiresAt: "2026-06-16T12:00:00.000Z",
};

/** A context whose vendor answers each request with the next canned body and status. */
export function cannedContext(answers: Array<{ status: number; body: unknown }>) {
  const urls: string[] = [];
  const fetch = ((input: string) => {
    urls.push(input);
    const next = answers.shift()!;
    return Promise.resolve(Response.json(next.body, { status: next.status }));
  }) as typeof globalThis.fetch;
  const ctx: AdapterContext<EnphaseSecret> = {
    baseUrl: BASE,
    secret: SECRET,
    vendorConfig: VENDOR,
    plan: {},
    now: () => new Date(NOW),
    logger: createLogger({ write: () => {} }),
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...enphase.authHeaders(SECRET) } }, {
        fetch,
        fatalMessage: (status) => enphase.describeFatal?.(status),
      }),
  };
  return { ctx, urls };
}
