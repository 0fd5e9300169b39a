import assert from "node:assert/strict";
import { serveSmaSimulator } from "./sma.ts";
import { ALICE, BOB, CLIENT, clientFields, setupSim } from "./sma_testing.ts";

const DAY = "/v1/devices/50011/measurements/sets/EnergyAndPowerPv/Day";

Deno.test("SMA sim's monitoring API wants a valid bearer token", async () => {
  const { get } = setupSim();
  for (const token of [undefined, "at.forged"]) {
    const res = await get("/v1/plants", token);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
    assert.equal((await res.json()).status, 401);
  }
});

Deno.test("SMA sim lists plants, one plant and its devices in the fixtures' shapes", async () => {
  const { get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  const plants = await (await get("/v1/plants", token)).json();
  assert.equal(plants.plants.length, 1);
  const [plant] = plants.plants;
  assert.deepEqual(
    { plantId: plant.plantId, name: plant.name, timezone: plant.timezone },
    { plantId: "5001", name: "Alice Roof", timezone: "Europe/Berlin" },
  );
  assert.equal(plant.installation.peakPower, 6600);
  assert.equal(plant.installation.acNominalPower, 6000);
  assert.deepEqual(await (await get("/v1/plants/5001", token)).json(), {
    plantId: "5001",
    name: "Alice Roof",
    description: "Alice Roof (simulated)",
    timezone: "Europe/Berlin",
  });
  assert.deepEqual(await (await get("/v1/plants/5001/devices/lean", token)).json(), {
    devices: [{
      deviceId: "50011",
      name: "STP",
      type: "Solar Inverters",
      product: "STP 6000TL-20",
      productId: 9099,
      serial: "SIM50011",
      vendor: "SMA",
      generatorPower: 6000,
      generatorPowerDc: 6600,
      isActive: true,
    }],
  });
  const sets = await (await get("/v1/devices/50011/measurements/sets", token)).json();
  assert.deepEqual(sets.sets, ["EnergyAndPowerPv", "PowerDc", "PowerAc"]);
  assert.equal(sets.plant.timezone, "Europe/Berlin");
});

Deno.test("SMA sim hides other owners' plants and devices behind 403", async () => {
  const { get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  for (const path of ["/v1/plants/6001", "/v1/plants/6001/devices/lean", "/v1/plants/nope"]) {
    assert.equal((await get(path, token)).status, 403, path);
  }
  const res = await get(
    "/v1/devices/60011/measurements/sets/EnergyAndPowerPv/Day?Date=2026-06-10",
    token,
  );
  assert.equal(res.status, 403);
  assert.match((await res.json()).detail, /device 60011/);
});

Deno.test("SMA sim serves a day set with plant-local times, only up to now", async () => {
  const { get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  const res = await get(`${DAY}?Date=2026-06-10&ReturnEnergyValues=true`, token);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.plant, { plantId: "5001", name: "Alice Roof", timezone: "Europe/Berlin" });
  assert.equal(body.device.deviceId, "50011");
  assert.equal(body.setType, "EnergyAndPowerPv");
  assert.equal(body.resolution, "FiveMinutes");
  // The clock reads 12:00Z = 14:00 CEST: the last interval ended then; the night is absent.
  assert.equal(body.set.at(-1).time, "2026-06-10T14:00:00");
  assert.ok(body.set[0].time > "2026-06-10T04:00:00");
  assert.ok(body.set.every((e: { time: string }) => !/[Z+]/.test(e.time)));
  // Power instead of energy without ReturnEnergyValues: twelve times the Wh of five minutes.
  const power = await (await get(`${DAY}?Date=2026-06-10`, token)).json();
  const noon = (set: { time: string; pvGeneration: number }[]) =>
    set.find((e) => e.time === "2026-06-10T13:00:00")!.pvGeneration;
  assert.ok(Math.abs(noon(power.set) - 12 * noon(body.set)) <= 12);
  assert.deepEqual((await (await get(`${DAY}?Date=2026-06-11`, token)).json()).set, []);
});

Deno.test("SMA sim rejects a missing or impossible Date, unknown sets and writes", async () => {
  const { get, request, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  for (
    const query of [
      "",
      "?Date=",
      "?Date=2026-02-30",
      "?Date=10.06.2026",
      "?ReturnEnergyValues=true",
    ]
  ) {
    const res = await get(`${DAY}${query}`, token);
    assert.equal(res.status, 400, query);
    assert.match((await res.json()).detail, /Date/);
  }
  assert.equal((await get(`${DAY}?date=2026-06-10`, token)).status, 200);
  assert.equal((await get(`${DAY}?Date=2026-06-10&ReturnEnergyValues=yes`, token)).status, 400);
  const other = await get("/v1/devices/50011/measurements/sets/PowerDc/Day?Date=2026-06-10", token);
  assert.equal(other.status, 404);
  const week = await get("/v1/devices/50011/measurements/sets/PowerAc/Week?Date=2026-06-10", token);
  assert.equal(week.status, 404);
  assert.equal((await get("/v1/nothing", token)).status, 404);
  const post = await request("/v1/plants", {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET");
});

Deno.test("SMA sim counts monitoring requests per client per 5 minutes: bare 429", async () => {
  const { sim, get, token: tokenRequest, ownerTokens, clientToken, advance } = setupSim({
    perFiveMinutes: 3,
  });
  sim.setAccessTokenLifetime(3600);
  const token = (await ownerTokens()).access_token;
  for (let i = 0; i < 3; i++) assert.equal((await get("/v1/plants", token)).status, 200);
  // The client's own token shares the client's budget; token requests are not counted.
  const refused = await get("/v1/plants", await clientToken());
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), null);
  assert.equal((await refused.json()).title, "Too Many Requests");
  // Another client has its own budget.
  sim.addClient({ clientId: "other", clientSecret: "other-secret" });
  const other = await (await tokenRequest({
    grant_type: "client_credentials",
    client_id: "other",
    client_secret: "other-secret",
  })).json();
  assert.equal((await get("/v1/plants", other.access_token)).status, 200);
  advance(4 * 60_000);
  assert.equal((await get("/v1/plants", token)).status, 429);
  advance(60_000);
  assert.equal((await get("/v1/plants", token)).status, 200);
});

Deno.test("SMA sim's 5-minute window is the client's: two owners under one client share it", async () => {
  const { sim, get, ownerTokens, advance } = setupSim({ perFiveMinutes: 4 });
  sim.setAccessTokenLifetime(3600);
  const alice = (await ownerTokens(ALICE.email)).access_token;
  const bob = (await ownerTokens(BOB.email)).access_token;
  assert.equal((await get("/v1/plants", alice)).status, 200);
  assert.equal((await get("/v1/plants", bob)).status, 200);
  assert.equal((await get("/v1/plants/5001/devices/lean", alice)).status, 200);
  assert.equal((await get("/v1/plants/6001/devices/lean", bob)).status, 200);
  // Four requests from two owners spend the client's four: no owner has a window of their own.
  assert.equal((await get("/v1/plants", bob)).status, 429);
  assert.equal((await get("/v1/plants", alice)).status, 429);
  advance(5 * 60_000);
  assert.equal((await get("/v1/plants", bob)).status, 200);
});

Deno.test("SMA sim serves PowerAc with activePower, phases and frequency at the set's times", async () => {
  const { get, ownerTokens } = setupSim();
  const token = (await ownerTokens()).access_token;
  const ac = "/v1/devices/50011/measurements/sets/PowerAc/Day?Date=2026-06-10";
  const res = await get(ac, token);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.setType, "PowerAc");
  assert.equal(body.resolution, "FiveMinutes");
  assert.deepEqual(body.plant, { plantId: "5001", name: "Alice Roof", timezone: "Europe/Berlin" });
  assert.deepEqual(Object.keys(body.set[0]), [
    "time",
    "voltagePhaseA",
    "voltagePhaseB",
    "voltagePhaseC",
    "currentPhaseA",
    "currentPhaseB",
    "currentPhaseC",
    "activePower",
    "gridFrequency",
  ]);
  // The same interval ends as EnergyAndPowerPv, and its W without ReturnEnergyValues.
  const pv = await (await get(`${DAY}?Date=2026-06-10`, token)).json();
  assert.deepEqual(
    body.set.map((e: { time: string }) => e.time),
    pv.set.map((e: { time: string }) => e.time),
  );
  const noon = body.set.find((e: { time: string }) => e.time === "2026-06-10T13:00:00");
  const pvNoon = pv.set.find((e: { time: string }) => e.time === "2026-06-10T13:00:00");
  assert.ok(noon.activePower > 1000 && Math.abs(noon.activePower - pvNoon.pvGeneration) <= 1);
  assert.ok(
    body.set.every((e: { gridFrequency: number }) => Math.abs(e.gridFrequency - 50) < 0.05),
  );
  // There is no pvPower in EnergyAndPowerPv (vendors.md Corrections): pvGeneration only.
  assert.deepEqual(Object.keys(pv.set[0]), ["time", "pvGeneration"]);
});

Deno.test("SMA sim answers 404 for a day set the device does not list", async () => {
  const { sim, get, ownerTokens } = setupSim();
  sim.addOwner({
    ...ALICE,
    plants: ALICE.plants.map((p) => ({
      ...p,
      devices: p.devices.map((d) => ({ ...d, sets: ["EnergyAndPowerPv"] })),
    })),
  });
  const token = (await ownerTokens()).access_token;
  assert.deepEqual((await (await get("/v1/devices/50011/measurements/sets", token)).json()).sets, [
    "EnergyAndPowerPv",
  ]);
  const ac = await get("/v1/devices/50011/measurements/sets/PowerAc/Day?Date=2026-06-10", token);
  assert.equal(ac.status, 404);
  assert.match((await ac.json()).detail, /no measurement set PowerAc/);
  assert.equal((await get(`${DAY}?Date=2026-06-10`, token)).status, 200);
  assert.throws(
    () =>
      sim.addOwner({
        ...BOB,
        plants: [{
          ...BOB.plants[0],
          devices: [{ ...BOB.plants[0].devices[0], sets: "PowerAc" as never }],
        }],
      }),
    /sets must be an array/,
  );
});

Deno.test("SMA sim logs requests per client and counts token requests", async () => {
  const { sim, get, ownerTokens, token } = setupSim();
  const t = (await ownerTokens()).access_token;
  await get("/v1/plants?WithStatus=true", t);
  await token({ grant_type: "client_credentials", client_id: "stranger", client_secret: "x" });
  const mine = sim.requests(CLIENT.clientId);
  assert.deepEqual(mine.paths, ["/oauth2/auth", "/oauth2/token", "/v1/plants"]);
  assert.equal(mine.urls[2], "/v1/plants?WithStatus=true");
  assert.equal(sim.requests("stranger").count, 1);
  assert.equal(sim.requests().count, 4);
  assert.equal(sim.tokenRequests(), 2);
  sim.resetRequests();
  assert.equal(sim.requests().count, 0);
  assert.equal(sim.tokenRequests(), 0);
});

Deno.test("SMA sim rejects owners and clients that would confuse it", () => {
  const { sim } = setupSim();
  assert.throws(() => sim.addClient({ clientId: "", clientSecret: "x" }), /clientId/);
  assert.throws(
    () => sim.addClient({ clientId: "c", clientSecret: "x", perFiveMinutes: 0 }),
    /perFiveMinutes/,
  );
  const plant = ALICE.plants[0];
  assert.throws(
    () => sim.addOwner({ email: "carol@example.com", password: "p", plants: [plant] }),
    /plant 5001 exists already/,
  );
  assert.throws(
    () =>
      sim.addOwner({
        email: "carol@example.com",
        password: "p",
        plants: [{ ...plant, plantId: "7001", timeZone: "Mars/Base" }],
      }),
    /Mars\/Base/,
  );
  assert.throws(
    () =>
      sim.addOwner({
        email: "carol@example.com",
        password: "p",
        plants: [{ ...plant, plantId: "7001" }],
      }),
    /device 50011 exists already/,
  );
  // Replacing an owner with the same e-mail may keep its own ids.
  sim.addOwner({ ...ALICE, password: "new" });
});

Deno.test("serveSmaSimulator answers over real HTTP", async () => {
  const { server, sim } = serveSmaSimulator({ port: 0 });
  try {
    sim.addClient(CLIENT);
    const base = `http://127.0.0.1:${server.addr.port}`;
    const health = await fetch(`${base}/_sim/health`);
    assert.deepEqual(await health.json(), { ok: true });
    const res = await fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", ...clientFields() }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).expires_in, 300);
  } finally {
    await server.shutdown();
  }
});
