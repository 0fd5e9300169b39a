import assert from "node:assert/strict";
import { withSimControls } from "./sim_controls.ts";

const vendor = (req: Request) => {
  const path = new URL(req.url).pathname;
  if (path === "/slow-down") return Promise.resolve(new Response("no", { status: 429 }));
  if (path === "/coded") return Promise.resolve(Response.json({ code: "GY0429" }));
  if (path.startsWith("/_sim/")) return Promise.resolve(Response.json({ admin: path }));
  return Promise.resolve(Response.json({ ok: true }));
};
const at = (path: string, init?: RequestInit) => new Request(`http://sim${path}`, init);

Deno.test("sim controls count answers by status and 429s apart, and reset on DELETE", async () => {
  const handler = withSimControls(vendor, {
    rateLimited: async (res) => (await res.json()).code === "GY0429",
  });
  await (await handler(at("/v2/sites"))).body?.cancel();
  await (await handler(at("/slow-down"))).body?.cancel();
  const coded = await handler(at("/coded"));
  assert.equal((await coded.json()).code, "GY0429", "the body still reaches the client");
  await (await handler(at("/_sim/health"))).body?.cancel();
  const stats = await (await handler(at("/_sim/stats"))).json();
  assert.deepEqual(stats, { requests: 3, byStatus: { "200": 2, "429": 1 }, rateLimited: 2 });
  assert.equal((await handler(at("/_sim/stats", { method: "DELETE" }))).status, 204);
  assert.deepEqual(await (await handler(at("/_sim/stats"))).json(), {
    requests: 0,
    byStatus: {},
    rateLimited: 0,
  });
});

Deno.test("sim controls delay vendor calls by the latency set, never the admin API", async () => {
  const handler = withSimControls(vendor);
  const put = await handler(
    at("/_sim/latency", { method: "PUT", body: JSON.stringify({ ms: 120 }) }),
  );
  assert.equal(put.status, 204);
  assert.deepEqual(await (await handler(at("/_sim/latency"))).json(), { ms: 120 });
  let started = performance.now();
  await (await handler(at("/v2/sites"))).body?.cancel();
  assert.ok(performance.now() - started >= 110, "a vendor call waits for the latency");
  started = performance.now();
  assert.deepEqual(await (await handler(at("/_sim/other"))).json(), { admin: "/_sim/other" });
  assert.ok(performance.now() - started < 100, "the simulator's own /_sim routes do not wait");
});

Deno.test("sim controls refuse a latency that is not a number of milliseconds", async () => {
  const handler = withSimControls(vendor);
  for (const body of [{ ms: -1 }, { ms: "300" }, {}]) {
    const res = await handler(at("/_sim/latency", { method: "PUT", body: JSON.stringify(body) }));
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /Cannot set latency: ms must be a number/);
  }
});
