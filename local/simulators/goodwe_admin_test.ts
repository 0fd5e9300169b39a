import assert from "node:assert/strict";
import { AMSTERDAM, LIST, listQuery, OWNER, setupSim } from "./goodwe_testing.ts";
import { simCaller } from "./sim_testing.ts";

function setup() {
  const s = setupSim();
  const admin = simCaller(s.sim.handler);
  return { ...s, admin };
}

Deno.test("GoodWe sim /_sim/accounts adds, rejects with the reason, and removes accounts", async () => {
  const { admin, login } = setup();
  assert.deepEqual(await (await admin("GET", "/_sim/health")).json(), { ok: true });
  const added = await admin("POST", "/_sim/accounts", {
    account: "new@example.com",
    password: "pw-123456",
    plants: [AMSTERDAM],
  });
  assert.equal(added.status, 201);
  assert.deepEqual(await added.json(), { account: "new@example.com", plants: 1 });
  assert.ok((await login("new@example.com", "pw-123456")).token);
  const bad = await admin("POST", "/_sim/accounts", { account: "x@example.com", plants: [] });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /password must be a non-empty string/);
  assert.equal((await admin("DELETE", "/_sim/accounts/new%40example.com")).status, 204);
  const gone = await admin("DELETE", "/_sim/accounts/new%40example.com");
  assert.equal(gone.status, 404);
  assert.match((await gone.json()).error, /no account new@example.com/);
});

Deno.test("GoodWe sim /_sim/faults, /_sim/expire and /_sim/session-lifetime drive the API", async () => {
  const { admin, login, call, advance } = setup();
  const session = await login();
  assert.equal((await admin("POST", "/_sim/faults", { kind: "GY0429", count: 1 })).status, 201);
  assert.equal((await call(session, LIST, listQuery(1))).code, "GY0429");
  await admin("POST", "/_sim/faults", { kind: "html", count: 3 });
  assert.equal((await admin("DELETE", "/_sim/faults")).status, 204);
  assert.equal((await call(session, LIST, listQuery(1))).code, 0);
  const expired = await admin("POST", "/_sim/expire", { account: OWNER.account });
  assert.deepEqual(await expired.json(), { expired: 1 });
  assert.equal((await call(session, LIST, listQuery(1))).code, 100002);
  assert.equal((await admin("POST", "/_sim/expire", {})).status, 400);
  assert.equal((await admin("PUT", "/_sim/session-lifetime", { seconds: 30 })).status, 204);
  const fresh = await login();
  advance(30_000);
  assert.equal((await call(fresh, LIST, listQuery(1))).code, 100002);
  const invalid = await admin("PUT", "/_sim/session-lifetime", { seconds: -1 });
  assert.equal(invalid.status, 400);
  assert.match((await invalid.json()).error, /positive integer/);
});

Deno.test("GoodWe sim /_sim/requests reports the log with its login counter and resets it", async () => {
  const { admin, login } = setup();
  await login();
  await login();
  assert.equal((await admin("GET", "/_sim/requests")).status, 400);
  const log = await (await admin("GET", `/_sim/requests?account=${OWNER.account}`)).json();
  assert.equal(log.count, 2);
  assert.equal(log.logins, 2);
  assert.equal((await admin("DELETE", "/_sim/requests")).status, 204);
  const empty = await (await admin("GET", `/_sim/requests?account=${OWNER.account}`)).json();
  assert.deepEqual(empty, { count: 0, logins: 0, paths: [], bodies: [] });
  const unknown = await admin("GET", "/_sim/nothing");
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error, /GET \/_sim\/nothing/);
});
