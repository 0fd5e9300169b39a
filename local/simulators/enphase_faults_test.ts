import assert from "node:assert/strict";
import { APP, OTHER_APP, setupSim } from "./enphase_testing.ts";
import { within } from "./sim_testing.ts";

async function setup() {
  const s = setupSim();
  const held = await s.connect();
  const systems = (signal?: AbortSignal) =>
    s.sim.handler(
      new Request(`http://sim.test/api/v4/systems?key=${APP.apiKey}`, {
        headers: { authorization: `Bearer ${held.access_token}` },
        signal,
      }),
    );
  return { ...s, held, systems };
}

Deno.test("5xx fault answers Enphase's JSON 500, then a plain-text 503, then recovers", async () => {
  const { sim, systems } = await setup();
  sim.addFault({ kind: "5xx", count: 2 });
  const first = await systems();
  assert.equal(first.status, 500);
  assert.deepEqual(await first.json(), {
    message: "Internal Server Error",
    details: "Internal Server Error",
    code: 500,
  });
  const second = await systems();
  assert.equal(second.status, 503);
  assert.match(second.headers.get("content-type")!, /^text\/plain/);
  await second.body?.cancel();
  assert.equal((await systems()).status, 200);
});

Deno.test("429 fault names the app's plan and sends no Retry-After", async () => {
  const { sim, connect, api } = await setup();
  sim.addFault({ kind: "429", count: 1, apiKey: OTHER_APP.apiKey });
  const held = await connect(OTHER_APP);
  const res = await api("/api/v4/systems", held.access_token, OTHER_APP.apiKey);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), null);
  assert.deepEqual(await res.json(), {
    message: "Too Many Requests",
    details: "Usage limit exceeded for plan Kilowatt",
    code: 429,
  });
  assert.throws(
    () => sim.addFault({ kind: "429", count: 1, retryAfter: 5 } as never),
    /never sends Retry-After/,
  );
});

Deno.test("html and malformed faults send a gateway page and a cut-off body", async () => {
  const { sim, systems } = await setup();
  sim.addFault({ kind: "html", count: 1 });
  sim.addFault({ kind: "malformed", count: 1 });
  const html = await systems();
  assert.equal(html.status, 502);
  assert.match(await html.text(), /502 Bad Gateway/);
  const cut = await systems();
  assert.equal(cut.status, 200);
  const text = await cut.text();
  assert.ok(text.startsWith('{"total":2'));
  assert.throws(() => JSON.parse(text));
});

Deno.test({
  name: "hang fault answers nothing until the request's signal aborts",
  // The 120 s safety timer must be cleared on abort, or every hung request pins the process.
  sanitizeOps: true,
  async fn() {
    const { sim, systems } = await setup();
    sim.addFault({ kind: "hang", count: 1 });
    const abort = new AbortController();
    let settled = false;
    const pending = systems(abort.signal).finally(() => settled = true);
    // Several turns of the event loop: a handler that was going to answer would have by now.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    assert.equal(settled, false);
    abort.abort();
    const res = await within(pending, "the hang ending on abort");
    assert.equal(res.status, 504);
    await res.body?.cancel();
  },
});

Deno.test("faults can target a path, including the token endpoint, and can be cleared", async () => {
  const { sim, token, systems, held, api } = await setup();
  sim.addFault({ kind: "5xx", count: 1, path: "/oauth/token" });
  sim.addFault({ kind: "5xx", count: 5, path: "production_meter" });
  assert.equal((await systems()).status, 200);
  const failed = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  assert.equal(failed.status, 500);
  await failed.body?.cancel();
  const meter = await api("/api/v4/systems/2875/telemetry/production_meter", held.access_token);
  assert.equal(meter.status, 500);
  await meter.body?.cancel();
  sim.clearFaults();
  const again = await api("/api/v4/systems/2875/telemetry/production_meter", held.access_token);
  assert.equal(again.status, 200);
  await again.body?.cancel();
  // The 500 came before the grant ran, so the refresh token was not rotated.
  const refreshed = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  assert.equal(refreshed.status, 200);
  await refreshed.body?.cancel();
});

Deno.test("a malformed token answer still rotates the refresh token, as a cut-off reply would", async () => {
  const { sim, token, held } = await setup();
  sim.addFault({ kind: "malformed", count: 1, path: "/oauth/token" });
  const cut = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  const text = await cut.text();
  assert.ok(text.startsWith('{"access_token":'));
  assert.throws(() => JSON.parse(text));
  const reuse = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  assert.equal((await reuse.json()).error, "invalid_grant");
});
