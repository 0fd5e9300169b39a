/**
 * The adapter against the SMA simulator, in-process: the simulator's handler is injected as
 * `fetch` and the clock is fixed, so paging by day, retries, limits and time zones are tested
 * without a network. Token requests are in token_request_test.ts, consent in backchannel_test.ts.
 */
import assert from "node:assert/strict";
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import { sma } from "./adapter.ts";
import { OWNER, setupSma, VENDOR } from "../../../shared/testing/sma_sim.ts";

const BERLIN = { vendorSiteId: "4400001", timezone: "Europe/Berlin" };
const window = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

Deno.test("fetchSitesList lists the owner's plants with their time zones", async () => {
  const { connect, context } = setupSma();
  const sites = await sma.fetchSitesList(context(await connect()));
  assert.deepEqual(sites, [
    { vendorSiteId: "4400001", name: "Kassel Depot", timezone: "Europe/Berlin" },
    { vendorSiteId: "9100001", name: "Springfield Barn", timezone: "America/New_York" },
  ]);
});

Deno.test("fetchSiteData maps both passes of the autumn hour to distinct UTC instants", async () => {
  const { connect, context, sim } = setupSma();
  const secret = await connect();
  // 00:00Z-02:00Z on 2026-10-25 is 02:00 CEST, the repeated 02:00-03:00, and 03:00 CET locally.
  const w = window("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z");
  const data = await sma.fetchSiteData(context(secret), BERLIN, w);
  assert.equal(data.intervalsExpected, 2 * 24);
  assert.equal(data.intervalsReceived, 2 * 24);
  assert.equal(data.dropped, 0);
  assert.equal(data.unreadable, undefined);
  for (const device of ["3001", "3002"]) {
    for (const metric of ["energy_wh", "power_w"]) {
      const ts = data.readings.filter((r) => r.device === device && r.metric === metric)
        .map((r) => r.ts).sort();
      assert.equal(ts.length, 24, `${device} ${metric}`);
      assert.equal(ts[0], "2026-10-25T00:05:00.000Z");
      assert.equal(ts.at(-1), "2026-10-25T02:00:00.000Z");
      assert.equal(new Set(ts).size, 24);
    }
  }
  const urls = sim.requests(VENDOR.SMA_CLIENT_ID).urls.filter((u) => u.startsWith("/v1/"));
  assert.deepEqual(urls, [
    "/v1/plants/4400001/devices/lean",
    "/v1/devices/3001/measurements/sets/EnergyAndPowerPv/Day?Date=2026-10-25&ReturnEnergyValues=true",
    "/v1/devices/3001/measurements/sets/PowerAc/Day?Date=2026-10-25",
    "/v1/devices/3002/measurements/sets/EnergyAndPowerPv/Day?Date=2026-10-25&ReturnEnergyValues=true",
    "/v1/devices/3002/measurements/sets/PowerAc/Day?Date=2026-10-25",
  ]);
  assert.deepEqual(data.responses.map((r) => r.endpoint), [
    "/v1/plants/{plantId}/devices/lean",
    "/v1/devices/{deviceId}/measurements/sets/EnergyAndPowerPv/Day",
    "/v1/devices/{deviceId}/measurements/sets/PowerAc/Day",
    "/v1/devices/{deviceId}/measurements/sets/EnergyAndPowerPv/Day",
    "/v1/devices/{deviceId}/measurements/sets/PowerAc/Day",
  ]);
  const recorded = JSON.stringify(data.responses);
  assert.ok(!recorded.includes(secret.accessToken) && !recorded.includes(secret.refreshToken!));
});

Deno.test("power_w is PowerAc's activePower, energy_wh is pvGeneration, at the same ends", async () => {
  const { connect, context, sim } = setupSma();
  const w = window("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z");
  const data = await sma.fetchSiteData(context(await connect()), BERLIN, w);
  const ac = data.responses.find((r) => r.endpoint.includes("PowerAc"))!.body as {
    set: { time: string; activePower: number }[];
  };
  const power = data.readings.filter((r) => r.device === "3001" && r.metric === "power_w");
  assert.equal(power.length, 12);
  // 11:05 CET is 10:05Z: the reading is the raw activePower of that entry, unchanged.
  const at = ac.set.find((e) => e.time === "2026-10-25T11:05:00")!;
  assert.equal(power.find((r) => r.ts === "2026-10-25T10:05:00.000Z")?.value, at.activePower);
  const energy = data.readings.filter((r) => r.device === "3001" && r.metric === "energy_wh");
  assert.deepEqual(energy.map((r) => r.ts), power.map((r) => r.ts));
  // Watts over five minutes against watt-hours, both from the same PV curve.
  for (const e of energy) {
    const p = power.find((r) => r.ts === e.ts)!.value;
    assert.ok(Math.abs(e.value - p / 12) <= 1, `${e.ts}: ${e.value} Wh, ${p} W`);
  }
  // Two calls per device and day: the PowerAc one is counted like any other.
  assert.equal(sim.requests().paths.filter((p) => p.includes("/PowerAc/")).length, 2);
});

Deno.test("a device without a PowerAc set keeps its energy and logs the missing power", async () => {
  const { connect, context, sim, lines } = setupSma();
  const ctx = context(await connect());
  // Roof west lists EnergyAndPowerPv only; the owner is replaced in place, tokens kept.
  sim.addOwner({
    ...OWNER,
    plants: OWNER.plants.map((p) => ({
      ...p,
      devices: p.devices.map((d) =>
        d.deviceId === "3002" ? { ...d, sets: ["EnergyAndPowerPv"] } : d
      ),
    })),
  });
  const data = await sma.fetchSiteData(
    ctx,
    BERLIN,
    window("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z"),
  );
  assert.equal(data.readings.filter((r) => r.metric === "energy_wh").length, 24);
  assert.equal(data.readings.filter((r) => r.metric === "power_w").length, 12);
  assert.ok(!data.readings.some((r) => r.device === "3002" && r.metric === "power_w"));
  assert.ok(lines.some((l) => l.includes("no PowerAc set") && l.includes("3002")));
});

Deno.test("fetchSiteData asks for every plant-local day the window touches", async () => {
  const { connect, context, sim } = setupSma();
  // 23:00 CEST on the 24th to 01:00 CEST on the 25th: two days of both sets per device.
  const w = window("2026-10-24T21:00:00Z", "2026-10-24T23:00:00Z");
  const data = await sma.fetchSiteData(context(await connect()), BERLIN, w);
  const dates = sim.requests().urls.filter((u) => u.includes("/EnergyAndPowerPv/"))
    .map((u) => /Date=([\d-]+)/.exec(u)?.[1]);
  assert.deepEqual(dates, ["2026-10-24", "2026-10-25", "2026-10-24", "2026-10-25"]);
  assert.equal(sim.requests().urls.filter((u) => u.includes("/PowerAc/")).length, 4);
  assert.equal(data.readings.length, 2 * 2 * 24);
  assert.ok(
    data.readings.every((r) =>
      r.ts > "2026-10-24T21:00:00.000Z" && r.ts <= "2026-10-24T23:00:00.000Z"
    ),
  );
});

Deno.test("fetchSiteData reads daytime energy within the inverters' capacity", async () => {
  const { connect, context } = setupSma();
  const w = window("2026-10-25T10:00:00Z", "2026-10-25T12:00:00Z");
  const data = await sma.fetchSiteData(context(await connect()), BERLIN, w);
  const energy = data.readings.filter((r) => r.metric === "energy_wh");
  assert.equal(energy.length, 48);
  assert.ok(energy.every((r) => r.value > 0 && r.value <= 8000 / 12));
});

Deno.test("fetchSiteData looks the zone up when the site has none", async () => {
  const { connect, context, sim } = setupSma();
  const w = window("2026-10-25T12:00:00Z", "2026-10-25T13:00:00Z");
  const data = await sma.fetchSiteData(context(await connect()), { vendorSiteId: "9100001" }, w);
  assert.equal(sim.requests().paths.filter((p) => p.startsWith("/v1/"))[0], "/v1/plants/9100001");
  assert.equal(data.responses[0].endpoint, "/v1/plants/{plantId}");
  // 08:00-09:00 EDT: one device, twelve intervals of energy and power, on the New York date.
  assert.equal(data.readings.length, 2 * 12);
  assert.ok(sim.requests().urls.some((u) => u.includes("Date=2026-10-25")));
});

Deno.test("a spike is dropped, counted and logged, never stored", async () => {
  const { connect, context, sim, lines } = setupSma();
  const ctx = context(await connect());
  sim.addFault({ kind: "spike", count: 1 });
  // The day set's first interval ends at 00:05 CEST = 22:05Z the evening before.
  const w = window("2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z");
  const data = await sma.fetchSiteData(ctx, BERLIN, w);
  assert.equal(data.dropped, 1);
  assert.equal(data.readings.filter((r) => r.metric === "energy_wh").length, 2 * 12 - 1);
  assert.ok(data.readings.every((r) => r.value < 1000));
  assert.ok(
    !data.readings.some((r) =>
      r.device === "3001" && r.metric === "energy_wh" && r.ts === "2026-10-24T22:05:00.000Z"
    ),
  );
  assert.equal(data.intervalsReceived, 23);
  const warning = lines.find((l) => l.includes("implausible"));
  assert.ok(warning?.includes("energy_wh 1024843 at 2026-10-24T22:05:00.000Z"), warning);
  // The raw response keeps what SMA said, for the record.
  assert.ok(JSON.stringify(data.responses[1].body).includes("1024843"));
});

Deno.test("a 429 without Retry-After and a 5xx are retried and the data still arrives", async () => {
  const { connect, context, sim, sleeps } = setupSma();
  const ctx = context(await connect());
  sim.addFault({ kind: "429", count: 1 });
  sim.addFault({ kind: "5xx", count: 1, path: "/measurements/" });
  const data = await sma.fetchSiteData(
    ctx,
    BERLIN,
    window("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z"),
  );
  assert.equal(data.readings.length, 2 * 24);
  assert.equal(sleeps.length, 2);
  // Lean devices and 2 x 2 day sets, plus the two retried attempts.
  assert.equal(sim.requests().paths.filter((p) => p.startsWith("/v1/")).length, 7);
});

Deno.test("the 5-minute limit, once spent, ends in a RetriableError for the core to pace", async () => {
  const { connect, context, sim } = setupSma({ perFiveMinutes: 2 });
  const ctx = context(await connect());
  await sma.fetchSitesList(ctx);
  await sma.fetchSitesList(ctx);
  await assert.rejects(
    sma.fetchSitesList(ctx),
    (e: unknown) => e instanceof RetriableError && e.status === 429,
  );
  // Five attempts, all refused: the backoff (seconds) never reaches the next window.
  assert.equal(sim.requests().count - 2, 2 + 5);
});

Deno.test("a plant the owner does not have fails that site only (403 is a bad record)", async () => {
  const { connect, context } = setupSma();
  await assert.rejects(
    sma.fetchSiteData(
      context(await connect()),
      { vendorSiteId: "777", timezone: "UTC" },
      window("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z"),
    ),
    (e: unknown) => e instanceof BadRecordError && e.status === 403,
  );
});

Deno.test("an access token SMA no longer accepts is fatal for the credential", async () => {
  const { connect, context, advance } = setupSma();
  const ctx = context(await connect());
  advance(301_000);
  await assert.rejects(
    sma.fetchSitesList(ctx),
    (e: unknown) => e instanceof FatalCredentialError && e.status === 401,
  );
  assert.match(sma.describeFatal!(401)!, /reconnect/);
});

Deno.test("a malformed day set is a bad record for the site, not a crash", async () => {
  const { connect, context, sim } = setupSma();
  const ctx = context(await connect());
  sim.addFault({ kind: "malformed", count: 1, path: "/measurements/" });
  await assert.rejects(
    sma.fetchSiteData(ctx, BERLIN, window("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z")),
    (e: unknown) => e instanceof BadRecordError && /malformed JSON/.test(e.message),
  );
});

Deno.test("parseSecret checks each flow's fields and lists the tokens as sensitive", () => {
  const code = {
    flow: "code",
    accessToken: "at-1",
    refreshToken: "rt-1",
    expiresAt: "2026-10-25T14:12:00Z",
  };
  assert.deepEqual(sma.parseSecret(code).sensitive, ["at-1", "rt-1"]);
  const bc = {
    flow: "backchannel",
    accessToken: "at-2",
    expiresAt: "2026-10-25T14:12:00Z",
    loginHint: "o@example.com",
  };
  assert.deepEqual(sma.parseSecret(bc), { secret: bc, sensitive: ["at-2"] });
  assert.throws(
    () => sma.parseSecret({ ...code, refreshToken: undefined }),
    /refreshToken is missing/,
  );
  assert.throws(() => sma.parseSecret({ ...bc, loginHint: undefined }), /loginHint/);
  assert.throws(() => sma.parseSecret({ ...code, flow: "password" }), /flow must be/);
  assert.throws(() => sma.parseSecret({ ...code, expiresAt: "soon" }), /expiresAt/);
  assert.throws(() => sma.parseSecret({ ...code, accessToken: "" }), BadRecordError);
  assert.throws(() => sma.parseSecret("at-1"), /not an object/);
});
