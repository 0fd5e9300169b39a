/**
 * Shared set-up for the Enphase simulator tests: two apps, two homeowners with systems in zones
 * on both hemispheres, a clock the test moves by hand, and the OAuth round trip a fetcher does
 * when a homeowner connects.
 */
import assert from "node:assert/strict";
import {
  createEnphaseSimulator,
  type EnphaseSimulatorOptions,
  type SimApp,
  type SimSystem,
  type SimUser,
} from "./enphase.ts";
import { manualClock } from "./sim_testing.ts";

export const APP: SimApp = { clientId: "client-a", clientSecret: "secret-a", apiKey: "key-a" };
export const OTHER_APP: SimApp = {
  clientId: "client-b",
  clientSecret: "secret-b",
  apiKey: "key-b",
  plan: "Kilowatt",
};
export const ALBANY: SimSystem = {
  systemId: 2875,
  name: "Albany",
  timeZone: "America/New_York",
  peakPowerKw: 6.4,
};
export const SYDNEY: SimSystem = {
  systemId: 5254,
  name: "Sydney",
  timeZone: "Australia/Sydney",
  peakPowerKw: 8,
};
export const OWNER: SimUser = {
  email: "owner@example.com",
  password: "owner-pass",
  systems: [ALBANY, SYDNEY],
};
export const NEIGHBOUR: SimUser = {
  email: "neighbour@example.com",
  password: "neighbour-pass",
  systems: [{ systemId: 9001, name: "Lyon", timeZone: "Europe/Paris", peakPowerKw: 4 }],
};
export const REDIRECT = "https://fetcher.test/enphase/callback";

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  [field: string]: unknown;
}

/** A simulator with APP, OTHER_APP, OWNER and NEIGHBOUR at 2026-06-15T12:00Z. */
export function setupSim(options: EnphaseSimulatorOptions = {}) {
  const clock = manualClock("2026-06-15T12:00:00Z");
  const sim = createEnphaseSimulator({ now: clock.now, ...options });
  sim.addApp(APP);
  sim.addApp(OTHER_APP);
  sim.addUser(OWNER);
  sim.addUser(NEIGHBOUR);
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    sim.handler(new Request(`http://sim.test${path}`, { method, headers }));
  const basic = (app: SimApp) => `Basic ${btoa(`${app.clientId}:${app.clientSecret}`)}`;
  /** The homeowner approves the app; returns the redirect's code. */
  const authorize = async (app = APP, email = OWNER.email) => {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: app.clientId,
      redirect_uri: REDIRECT,
      state: "s1",
      approve_as: email,
    });
    const res = await call("GET", `/oauth/authorize?${q}`);
    assert.equal(res.status, 302, await res.text());
    return new URL(res.headers.get("location")!).searchParams.get("code")!;
  };
  const token = (query: Record<string, string>, app = APP) =>
    call("POST", `/oauth/token?${new URLSearchParams(query)}`, { authorization: basic(app) });
  /** Authorize plus code exchange: the tokens a fetcher holds after the homeowner connects. */
  const connect = async (app = APP, email = OWNER.email) => {
    const code = await authorize(app, email);
    const res = await token(
      { grant_type: "authorization_code", redirect_uri: REDIRECT, code },
      app,
    );
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json() as TokenBody;
  };
  const api = (path: string, accessToken: string, key = APP.apiKey) =>
    call("GET", `${path}${path.includes("?") ? "&" : "?"}key=${encodeURIComponent(key)}`, {
      authorization: `Bearer ${accessToken}`,
    });
  return {
    sim,
    call,
    basic,
    authorize,
    token,
    connect,
    api,
    setNow: clock.setNow,
    advance: clock.advance,
  };
}

/** Asserts Enphase's `{message, details, code}` error body and returns it. */
export async function assertApiError(res: Response, status: number, details: string | RegExp) {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.code, status);
  if (typeof details === "string") assert.equal(body.details, details);
  else assert.match(body.details, details);
  return body;
}
