import assert from "node:assert/strict";
import { simCaller } from "./sim_testing.ts";
import { createSolarEdgeSimulator, type SimSite } from "./solaredge.ts";

const A: SimSite = { siteId: 1, name: "One", timeZone: "Europe/Berlin", peakPowerKw: 4 };
const B: SimSite = { siteId: 2, name: "Two", timeZone: "America/New_York", peakPowerKw: 6 };

function setup() {
  const sim = createSolarEdgeSimulator({ now: () => new Date("2026-09-01T00:00:00Z") });
  const call = simCaller(sim.handler);
  const v2 = (path: string, apiKey = "k") =>
    sim.handler(new Request(`http://sim.test${path}`, { headers: { "x-api-key": apiKey } }));
  return { sim, call, v2 };
}

Deno.test("POST /_sim/accounts adds an account and replaces it keeping its counters", async () => {
  const { call, v2 } = setup();
  const added = await call("POST", "/_sim/accounts", { apiKey: "k", sites: [A, B] });
  assert.equal(added.status, 201);
  assert.deepEqual(await added.json(), { apiKey: "k", sites: 2 });
  const before = await v2("/v2/sites");
  assert.equal((await before.json()).sites.count, 2);
  assert.equal(before.headers.get("x-ratelimit-remaining-minute"), "299");
  // A site vanishing from the vendor account is how tests model a customer removing it.
  assert.equal((await call("POST", "/_sim/accounts", { apiKey: "k", sites: [B] })).status, 201);
  const after = await v2("/v2/sites");
  assert.deepEqual((await after.json()).sites.site.map((s: SimSite) => s.siteId), [2]);
  assert.equal(after.headers.get("x-ratelimit-remaining-minute"), "298");
  assert.equal((await v2("/v2/sites/1/power")).status, 403);
});

Deno.test("POST /_sim/accounts rejects an invalid account with 400 and the reason", async () => {
  const { call } = setup();
  const badZone = await call("POST", "/_sim/accounts", {
    apiKey: "k",
    sites: [{ ...A, timeZone: "Europe/Atlantis" }],
  });
  assert.equal(badZone.status, 400);
  assert.match((await badZone.json()).error, /Europe\/Atlantis/);
  const twice = await call("POST", "/_sim/accounts", { apiKey: "k", sites: [A, A] });
  assert.match((await twice.json()).error, /site 1 appears twice/);
  const notJson = await call("POST", "/_sim/accounts", undefined);
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
});

Deno.test("DELETE /_sim/accounts/{apiKey} revokes the key", async () => {
  const { call, v2 } = setup();
  await call("POST", "/_sim/accounts", { apiKey: "k/1", sites: [A] });
  assert.equal((await v2("/v2/sites", "k/1")).status, 200);
  assert.equal((await call("DELETE", "/_sim/accounts/k%2F1")).status, 204);
  assert.equal((await v2("/v2/sites", "k/1")).status, 401);
  const again = await call("DELETE", "/_sim/accounts/k%2F1");
  assert.equal(again.status, 404);
  await again.body?.cancel();
});

Deno.test("POST and DELETE /_sim/faults switch faults on and off", async () => {
  const { call, v2 } = setup();
  await call("POST", "/_sim/accounts", { apiKey: "k", sites: [A] });
  assert.equal((await call("POST", "/_sim/faults", { kind: "5xx", count: 5 })).status, 201);
  assert.equal((await v2("/v2/sites")).status, 503);
  assert.equal((await call("DELETE", "/_sim/faults")).status, 204);
  assert.equal((await v2("/v2/sites")).status, 200);
  const bad = await call("POST", "/_sim/faults", { kind: "5xx" });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /count/);
});

Deno.test("GET and DELETE /_sim/requests expose and reset the request log per key", async () => {
  const { call, v2 } = setup();
  await call("POST", "/_sim/accounts", { apiKey: "k", sites: [A] });
  await v2("/v2/sites?page=1");
  await v2("/v2/sites/1/energy?from=x");
  await v2("/v2/sites", "other");
  const log = await call("GET", "/_sim/requests?apiKey=k");
  assert.deepEqual(await log.json(), {
    count: 2,
    paths: ["/v2/sites", "/v2/sites/1/energy"],
    urls: ["/v2/sites?page=1", "/v2/sites/1/energy?from=x"],
  });
  assert.equal((await (await call("GET", "/_sim/requests?apiKey=other")).json()).count, 1);
  assert.equal((await call("GET", "/_sim/requests")).status, 400);
  assert.equal((await call("DELETE", "/_sim/requests")).status, 204);
  assert.deepEqual(await (await call("GET", "/_sim/requests?apiKey=k")).json(), {
    count: 0,
    paths: [],
    urls: [],
  });
});

Deno.test("/_sim answers 404 for what it does not know and health for readiness probes", async () => {
  const { call } = setup();
  const unknown = await call("GET", "/_sim/everything");
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error, /GET \/_sim\/everything/);
  assert.deepEqual(await (await call("GET", "/_sim/health")).json(), { ok: true });
});
