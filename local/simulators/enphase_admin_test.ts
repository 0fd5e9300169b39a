import assert from "node:assert/strict";
import { createEnphaseSimulator } from "./enphase.ts";
import { ALBANY, APP, OWNER, REDIRECT } from "./enphase_testing.ts";
import { simCaller } from "./sim_testing.ts";

function setup() {
  const sim = createEnphaseSimulator({ now: () => new Date("2026-06-15T12:00:00Z") });
  const call = simCaller(sim.handler);
  const basic = { authorization: `Basic ${btoa(`${APP.clientId}:${APP.clientSecret}`)}` };
  /** The OAuth round trip over HTTP only, as the demo does from another process. */
  const connect = async () => {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: APP.clientId,
      redirect_uri: REDIRECT,
      approve_as: OWNER.email,
    });
    const location = (await call("GET", `/oauth/authorize?${q}`)).headers.get("location")!;
    const code = new URL(location).searchParams.get("code")!;
    const res = await call(
      "POST",
      `/oauth/token?grant_type=authorization_code&redirect_uri=${REDIRECT}&code=${code}`,
      undefined,
      basic,
    );
    return await res.json();
  };
  return { sim, call, basic, connect };
}

Deno.test("POST /_sim/apps and /_sim/users register what the OAuth flow then uses", async () => {
  const { call, connect } = setup();
  const app = await call("POST", "/_sim/apps", APP);
  assert.equal(app.status, 201);
  assert.deepEqual(await app.json(), { clientId: APP.clientId, plan: "Watt" });
  const user = await call("POST", "/_sim/users", OWNER);
  assert.equal(user.status, 201);
  assert.deepEqual(await user.json(), { email: OWNER.email, systems: 2 });
  const held = await connect();
  const systems = await call("GET", `/api/v4/systems?key=${APP.apiKey}`, undefined, {
    authorization: `Bearer ${held.access_token}`,
  });
  assert.equal((await systems.json()).total, 2);
});

Deno.test("/_sim answers 400 with the reason for a bad body and 404 off its routes", async () => {
  const { call } = setup();
  const badUser = await call("POST", "/_sim/users", {
    ...OWNER,
    systems: [{ ...ALBANY, peakPowerKw: 0 }],
  });
  assert.equal(badUser.status, 400);
  assert.match((await badUser.json()).error, /positive peakPowerKw/);
  const notJson = await call("POST", "/_sim/apps");
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
  const badFault = await call("POST", "/_sim/faults", { kind: "fire", count: 1 });
  assert.match((await badFault.json()).error, /kind must be one of/);
  const missing = await call("GET", "/_sim/nothing");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error, /Cannot route GET \/_sim\/nothing/);
  assert.deepEqual(await (await call("GET", "/_sim/health")).json(), { ok: true });
});

Deno.test("/_sim/faults, /_sim/token-lifetime and /_sim/revoke drive the simulator", async () => {
  const { sim, call, connect, basic } = setup();
  sim.addApp(APP);
  sim.addUser(OWNER);
  assert.equal((await call("POST", "/_sim/token-lifetime", { seconds: 60 })).status, 204);
  const held = await connect();
  assert.equal(held.expires_in, 60);
  const badLifetime = await call("POST", "/_sim/token-lifetime", { seconds: -1 });
  assert.equal(badLifetime.status, 400);
  await badLifetime.body?.cancel();

  assert.equal((await call("POST", "/_sim/faults", { kind: "5xx", count: 3 })).status, 201);
  assert.equal((await call("DELETE", "/_sim/faults")).status, 204);
  const bearer = { authorization: `Bearer ${held.access_token}` };
  const ok = await call("GET", `/api/v4/systems?key=${APP.apiKey}`, undefined, bearer);
  assert.equal(ok.status, 200);
  await ok.body?.cancel();

  const revoked = await call("POST", "/_sim/revoke", { email: OWNER.email, accessTokens: true });
  assert.deepEqual(await revoked.json(), { revoked: 2 });
  const refused = await call(
    "POST",
    `/oauth/token?grant_type=refresh_token&refresh_token=${held.refresh_token}`,
    undefined,
    basic,
  );
  assert.equal(refused.status, 400);
  await refused.body?.cancel();
  const gone = await call("GET", `/api/v4/systems?key=${APP.apiKey}`, undefined, bearer);
  assert.equal(gone.status, 401);
  await gone.body?.cancel();
});

Deno.test("GET /_sim/requests reports API requests per key and token requests by grant", async () => {
  const { sim, call, connect } = setup();
  sim.addApp(APP);
  sim.addUser(OWNER);
  const held = await connect();
  const bearer = { authorization: `Bearer ${held.access_token}` };
  await (await call("GET", `/api/v4/systems?key=${APP.apiKey}`, undefined, bearer)).body?.cancel();
  const both = await (await call("GET", `/_sim/requests?apiKey=${APP.apiKey}`)).json();
  assert.deepEqual(both, {
    api: { count: 1, paths: ["/api/v4/systems"], urls: [`/api/v4/systems?key=${APP.apiKey}`] },
    token: { count: 1, grants: ["authorization_code"] },
  });
  assert.deepEqual(await (await call("GET", "/_sim/requests")).json(), {
    token: { count: 1, grants: ["authorization_code"] },
  });
  assert.equal((await call("DELETE", "/_sim/requests")).status, 204);
  assert.deepEqual(await (await call("GET", "/_sim/requests")).json(), {
    token: { count: 0, grants: [] },
  });
});
