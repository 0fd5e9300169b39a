/**
 * Shared set-up for the SMA simulator tests: one app client, two owners in zones with different
 * DST rules, a clock the test moves by hand, and helpers that speak the three SMA hosts.
 */
import assert from "node:assert/strict";
import { manualClock } from "./sim_testing.ts";
import { createSmaSimulator, type SmaSimOwner, type SmaSimulatorOptions } from "./sma.ts";

export const CLIENT = { clientId: "app", clientSecret: "app-secret" };
export const REDIRECT = "https://app.example/callback";

export const ALICE: SmaSimOwner = {
  email: "alice@example.com",
  password: "alice-pw",
  plants: [{
    plantId: "5001",
    name: "Alice Roof",
    timeZone: "Europe/Berlin",
    devices: [{ deviceId: "50011", name: "STP", generatorPowerW: 6000, peakPowerKw: 6.6 }],
  }],
};

export const BOB: SmaSimOwner = {
  email: "bob@example.com",
  password: "bob-pw",
  plants: [{
    plantId: "6001",
    name: "Bob Barn",
    timeZone: "America/New_York",
    devices: [{ deviceId: "60011", name: "SB", generatorPowerW: 5000, peakPowerKw: 5 }],
  }],
};

export function setupSim(options: SmaSimulatorOptions & { perFiveMinutes?: number } = {}) {
  const clock = manualClock("2026-06-10T12:00:00Z");
  const sim = createSmaSimulator({ now: clock.now, ...options });
  sim.addClient({ ...CLIENT, perFiveMinutes: options.perFiveMinutes });
  sim.addOwner(ALICE);
  sim.addOwner(BOB);
  const request = (path: string, init: RequestInit = {}) =>
    sim.handler(new Request(`http://sma.test${path}`, init));
  const get = (path: string, token?: string) =>
    request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const token = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    request("/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    });
  const authorize = async (extra: Record<string, string>, scope = "offline_access") => {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      state: "st",
      scope,
      ...extra,
    });
    const res = await request(`/oauth2/auth?${q}`);
    assert.equal(res.status, 302, await res.clone().text());
    return new URL(res.headers.get("location")!);
  };
  /** The owner approves and the app exchanges the code: Keycloak's token answer. */
  const ownerTokens = async (email = ALICE.email, scope = "offline_access") => {
    const code = (await authorize({ approve_as: email }, scope)).searchParams.get("code")!;
    const res = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const clientToken = async () => {
    const res = await token({ grant_type: "client_credentials", ...clientFields() });
    assert.equal(res.status, 200);
    return (await res.json()).access_token as string;
  };
  return {
    sim,
    request,
    get,
    token,
    authorize,
    ownerTokens,
    clientToken,
    advance: clock.advance,
    setNow: clock.setNow,
  };
}

export function clientFields() {
  return { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret };
}
