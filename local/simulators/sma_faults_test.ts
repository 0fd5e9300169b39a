import assert from "node:assert/strict";
import { createFaultStore, faultResponse } from "./sma_faults.ts";
import { setupSim } from "./sma_testing.ts";

const DAY = "/v1/devices/50011/measurements/sets/EnergyAndPowerPv/Day?Date=2026-06-10";

Deno.test("SMA sim's faults fire count times on matching requests, then stop", async () => {
  const { sim, get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  sim.addFault({ kind: "5xx", count: 2, path: "/devices/lean" });
  assert.equal((await get("/v1/plants", token)).status, 200);
  const first = await get("/v1/plants/5001/devices/lean", token);
  assert.equal(first.status, 503);
  assert.equal(first.headers.get("content-type"), "application/problem+json");
  await first.body?.cancel();
  const second = await get("/v1/plants/5001/devices/lean", token);
  assert.equal(await second.text(), "Service Temporarily Unavailable");
  assert.equal((await get("/v1/plants/5001/devices/lean", token)).status, 200);
});

Deno.test("SMA sim's 429 fault has no Retry-After, like SMA's limiter", async () => {
  const { sim, get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  sim.addFault({ kind: "429", count: 1 });
  const res = await get("/v1/plants", token);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), null);
  await res.body?.cancel();
});

Deno.test("SMA sim's malformed and html faults break the body the way proxies do", async () => {
  const { sim, get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  sim.addFault({ kind: "malformed", count: 1 });
  const cut = await get(DAY, token);
  assert.equal(cut.status, 200);
  const text = await cut.text();
  assert.ok(text.startsWith('{"plant"'));
  assert.throws(() => JSON.parse(text));
  sim.addFault({ kind: "html", count: 1 });
  const html = await get("/v1/plants", token);
  assert.equal(html.status, 502);
  assert.match(await html.text(), /<title>502 Bad Gateway<\/title>/);
});

Deno.test("SMA sim's spike fault only hits day sets and claims an absurd first interval", async () => {
  const { sim, get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  sim.addFault({ kind: "spike", count: 1 });
  assert.equal((await get("/v1/plants", token)).status, 200);
  const spiked = await (await get(`${DAY}&ReturnEnergyValues=true`, token)).json();
  assert.equal(spiked.set[0].pvGeneration, 1_024_843);
  const plain = await (await get(`${DAY}&ReturnEnergyValues=true`, token)).json();
  assert.ok(plain.set[0].pvGeneration < 100);
  // PowerAc is left alone: the spike SolarNetwork saw was in pvGeneration.
  sim.addFault({ kind: "spike", count: 1 });
  const ac = await (await get(DAY.replace("EnergyAndPowerPv", "PowerAc"), token)).json();
  assert.ok(ac.set[0].activePower < 1000);
  assert.equal(
    (await get(`${DAY}&ReturnEnergyValues=true`, token).then((r) => r.json()))
      .set[0].pvGeneration,
    1_024_843,
  );
});

Deno.test("SMA sim's unreadable_time fault prints a day set's times in a foreign format", async () => {
  const { sim, get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  sim.addFault({ kind: "unreadable_time", count: 2 });
  assert.equal((await get("/v1/plants", token)).status, 200);
  const pv = await (await get(`${DAY}&ReturnEnergyValues=true`, token)).json();
  const ac = await (await get(DAY.replace("EnergyAndPowerPv", "PowerAc"), token)).json();
  for (const body of [pv, ac]) {
    assert.ok(body.set.length > 0);
    assert.ok(body.set.every((e: { time: string }) => /^\d\d\.\d\d\.2026 \d\d:\d\d$/.test(e.time)));
  }
  const plain = await (await get(`${DAY}&ReturnEnergyValues=true`, token)).json();
  assert.match(plain.set[0].time, /^2026-06-10T/);
});

Deno.test("SMA sim's faults can target one client and the token endpoint", async () => {
  const { sim, token, clientToken } = setupSim();
  sim.addFault({ kind: "5xx", count: 1, clientId: "someone-else" });
  sim.addFault({ kind: "5xx", count: 1, path: "/oauth2/token" });
  const failed = await token({ grant_type: "client_credentials" });
  assert.equal(failed.status, 503);
  await failed.body?.cancel();
  assert.ok(await clientToken());
  sim.addFault({ kind: "5xx", count: 1 });
  sim.clearFaults();
  assert.ok(await clientToken());
});

Deno.test("a hang ends when the client gives up", async () => {
  const store = createFaultStore();
  store.add({ kind: "hang", count: 1 });
  const fired = store.take("c", "/v1/plants")!;
  const abort = new AbortController();
  const pending = faultResponse(fired, abort.signal, () => Promise.resolve(new Response("{}")));
  abort.abort();
  assert.equal((await pending).status, 503);
  assert.equal(store.take("c", "/v1/plants"), undefined);
});

Deno.test("SMA sim rejects faults it does not know", () => {
  const { sim } = setupSim();
  assert.throws(() => sim.addFault({ kind: "flood" as "5xx", count: 1 }), /kind must be one of/);
  assert.throws(() => sim.addFault({ kind: "5xx", count: 0 }), /count must be/);
  assert.throws(
    () => sim.addFault({ kind: "5xx", count: 1, path: 5 as unknown as string }),
    /path must be a string/,
  );
});
