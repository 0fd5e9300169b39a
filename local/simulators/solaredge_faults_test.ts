import assert from "node:assert/strict";
import { within } from "./sim_testing.ts";
import { createSolarEdgeSimulator, serveSolarEdgeSimulator, type SimSite } from "./solaredge.ts";

const SITE: SimSite = { siteId: 5, name: "Five", timeZone: "Europe/Berlin", peakPowerKw: 8 };
const POWER = "/v2/sites/5/power?from=2026-08-24T10:00:00&to=2026-08-24T11:00:00" +
  "&resolution=QUARTER_HOUR";

function setup() {
  const sim = createSolarEdgeSimulator({ now: () => new Date("2026-09-01T00:00:00Z") });
  sim.addAccount({ apiKey: "key-a", sites: [SITE] });
  sim.addAccount({ apiKey: "key-b", sites: [SITE] });
  const get = (path: string, apiKey = "key-a", signal?: AbortSignal) =>
    sim.handler(
      new Request(`http://sim.test${path}`, { headers: { "x-api-key": apiKey }, signal }),
    );
  return { sim, get };
}

Deno.test("5xx fault answers 503 as problem+json, then as plain text, then recovers", async () => {
  const { sim, get } = setup();
  sim.addFault({ kind: "5xx", count: 2 });
  const first = await get("/v2/sites");
  assert.equal(first.status, 503);
  assert.equal(first.headers.get("content-type"), "application/problem+json");
  assert.equal((await first.json()).status, 503);
  const second = await get("/v2/sites");
  assert.equal(second.status, 503);
  assert.match(second.headers.get("content-type")!, /^text\/plain/);
  assert.match(await second.text(), /Unavailable/);
  assert.equal(second.headers.get("x-ratelimit-remaining-minute"), "298");
  assert.equal((await get("/v2/sites")).status, 200);
});

Deno.test("429 fault sends Retry-After only when the fault sets it", async () => {
  const { sim, get } = setup();
  sim.addFault({ kind: "429", count: 1, retryAfter: 7 });
  sim.addFault({ kind: "429", count: 1 });
  const withHeader = await get("/v2/sites");
  assert.equal(withHeader.status, 429);
  assert.equal(withHeader.headers.get("retry-after"), "7");
  assert.equal(withHeader.headers.get("content-type"), "application/problem+json");
  const without = await get("/v2/sites");
  assert.equal(without.status, 429);
  assert.equal(without.headers.get("retry-after"), null);
  assert.equal((await get("/v2/sites")).status, 200);
});

Deno.test({
  name: "hang fault answers nothing until the request's signal aborts",
  // Explicit because Deno 2 does not check timers by default: the 120 s safety timer must be
  // cleared once the client aborts, or every hung request would pin the process for 2 minutes.
  sanitizeOps: true,
  async fn() {
    const { sim, get } = setup();
    sim.addFault({ kind: "hang", count: 1 });
    const controller = new AbortController();
    let settled = false;
    const pending = get("/v2/sites", "key-a", controller.signal).finally(() => settled = true);
    // Several turns of the event loop: a handler that was going to answer would have by now.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    assert.equal(settled, false);
    controller.abort();
    const res = await within(pending, "answering the aborted request");
    assert.equal(res.status, 504);
    assert.equal((await get("/v2/sites")).status, 200);
  },
});

Deno.test("malformed fault answers 200 with JSON cut off part-way", async () => {
  const { sim, get } = setup();
  const whole = await (await get(POWER)).text();
  sim.addFault({ kind: "malformed", count: 1 });
  const res = await get(POWER);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  const text = await res.text();
  assert.ok(text.length > 0 && text.length < whole.length);
  assert.ok(whole.startsWith(text));
  assert.throws(() => JSON.parse(text), SyntaxError);
});

Deno.test("html fault answers 502 with a proxy's HTML page", async () => {
  const { sim, get } = setup();
  sim.addFault({ kind: "html", count: 1 });
  const res = await get("/v2/sites");
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("content-type"), "text/html");
  assert.match(await res.text(), /<html>[\s\S]*502 Bad Gateway/);
});

Deno.test("faults hit only the matching key and path, and only authenticated requests", async () => {
  const { sim, get } = setup();
  sim.addFault({ apiKey: "key-a", path: "/power", kind: "5xx", count: 1 });
  assert.equal((await get("/v2/sites", "nobody")).status, 401);
  assert.equal((await get("/v2/sites")).status, 200);
  assert.equal((await get(POWER, "key-b")).status, 200);
  assert.equal((await get(POWER)).status, 503);
  assert.equal((await get(POWER)).status, 200);
});

Deno.test("clearFaults drops faults that have not fired yet", async () => {
  const { sim, get } = setup();
  sim.addFault({ kind: "html", count: 3 });
  assert.equal((await get("/v2/sites")).status, 502);
  sim.clearFaults();
  assert.equal((await get("/v2/sites")).status, 200);
});

Deno.test("addFault rejects faults that could never fire as meant", () => {
  const { sim } = setup();
  // deno-lint-ignore no-explicit-any
  const bad = (fault: any) => () => sim.addFault(fault);
  assert.throws(bad({ kind: "teapot", count: 1 }), /kind must be one of/);
  assert.throws(bad({ kind: "5xx", count: 0 }), /count must be a positive integer/);
  assert.throws(bad({ kind: "429", count: 1, retryAfter: -1 }), /retryAfter/);
  assert.throws(bad({ kind: "5xx", count: 1, path: 5 }), /path must be a string/);
});

Deno.test("hang fault over real HTTP ends when the client gives up", async () => {
  const { server, sim } = serveSolarEdgeSimulator({ port: 0 });
  sim.addAccount({ apiKey: "key-a", sites: [SITE] });
  sim.addFault({ kind: "hang", count: 1 });
  const controller = new AbortController();
  const request = fetch(`http://127.0.0.1:${server.addr.port}/v2/sites`, {
    headers: { "X-API-Key": "key-a" },
    signal: controller.signal,
  });
  // Abort only once the server holds the request, so the hang is what is being tested.
  while (sim.requests("key-a").count === 0) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await assert.rejects(request, (e: Error) => e.name === "AbortError");
  // shutdown() waits for in-flight handlers: it returns only if the hung one resolved.
  await within(server.shutdown(), "shutting down with no hung handler left");
});
