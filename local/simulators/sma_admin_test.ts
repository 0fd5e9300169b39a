import assert from "node:assert/strict";
import { simCaller } from "./sim_testing.ts";
import { createSmaSimulator } from "./sma.ts";
import { ALICE, CLIENT } from "./sma_testing.ts";

function setup() {
  const sim = createSmaSimulator({ now: () => new Date("2026-06-10T12:00:00Z") });
  const call = simCaller(sim.handler);
  const tokenFor = async () =>
    await (await sim.handler(
      new Request("http://sim.test/oauth2/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: CLIENT.clientId,
          client_secret: CLIENT.clientSecret,
        }),
      }),
    )).json();
  return { sim, call, tokenFor };
}

Deno.test("POST /_sim/clients and /_sim/owners add them, 400 with the reason otherwise", async () => {
  const { call, tokenFor } = setup();
  const client = await call("POST", "/_sim/clients", CLIENT);
  assert.equal(client.status, 201);
  assert.deepEqual(await client.json(), { clientId: "app" });
  assert.equal((await tokenFor()).expires_in, 300);
  const owner = await call("POST", "/_sim/owners", ALICE);
  assert.deepEqual(await owner.json(), { email: ALICE.email, plants: 1 });
  const bad = await call("POST", "/_sim/owners", { ...ALICE, email: "no-at-sign" });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /email must be an e-mail/);
  const notJson = await call("POST", "/_sim/clients");
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
});

Deno.test("/_sim/faults, /_sim/token-lifetime and /_sim/revoke switch behaviour", async () => {
  const { call, tokenFor } = setup();
  await call("POST", "/_sim/clients", CLIENT);
  await call("POST", "/_sim/owners", ALICE);
  assert.equal((await call("PUT", "/_sim/token-lifetime", { seconds: 60 })).status, 204);
  assert.equal((await tokenFor()).expires_in, 60);
  assert.equal((await call("PUT", "/_sim/token-lifetime", { seconds: -1 })).status, 400);
  assert.equal((await call("POST", "/_sim/faults", { kind: "5xx", count: 1 })).status, 201);
  assert.equal((await call("DELETE", "/_sim/faults")).status, 204);
  assert.equal((await tokenFor()).expires_in, 60);
  assert.equal((await call("POST", "/_sim/faults", { kind: "nope", count: 1 })).status, 400);
  assert.equal((await call("POST", "/_sim/revoke", { email: ALICE.email })).status, 204);
  const unknown = await call("POST", "/_sim/revoke", { email: "x@example.com" });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("/_sim/requests and /_sim/token-requests report and reset the log", async () => {
  const { call, tokenFor } = setup();
  await call("POST", "/_sim/clients", CLIENT);
  await tokenFor();
  await tokenFor();
  const log = await (await call("GET", "/_sim/requests?clientId=app")).json();
  assert.deepEqual(log, {
    count: 2,
    paths: ["/oauth2/token", "/oauth2/token"],
    urls: ["/oauth2/token", "/oauth2/token"],
  });
  const counted = await call("GET", "/_sim/token-requests?grantType=client_credentials");
  assert.deepEqual(await counted.json(), { count: 2 });
  assert.equal((await call("DELETE", "/_sim/requests")).status, 204);
  assert.deepEqual(await (await call("GET", "/_sim/token-requests")).json(), { count: 0 });
  assert.deepEqual(await (await call("GET", "/_sim/health")).json(), { ok: true });
  const missing = await call("GET", "/_sim/nothing");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error, /not a simulator admin endpoint/);
});
