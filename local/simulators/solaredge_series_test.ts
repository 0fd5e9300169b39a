import assert from "node:assert/strict";
import { assertProblem, BERLIN, LONDON, NEW_YORK, setupSim as setup } from "./solaredge_testing.ts";

Deno.test("SolarEdge sim wants from and to in site local time without an offset", async () => {
  const { get } = setup();
  const cases: [string, RegExp][] = [
    ["to=2026-08-24T10:00:00&resolution=QUARTER_HOUR", /Missing parameter from/],
    [
      "from=2026-08-24T00:00:00Z&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR",
      /from.*without offset/,
    ],
    [
      "from=2026-08-24T00:00:00%2B01:00&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR",
      /without offset/,
    ],
    [
      "from=2026-08-24T00:00:00+01:00&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR",
      /without offset/,
    ],
    ["from=2026-02-30T00:00:00&to=2026-03-02T00:00:00&resolution=QUARTER_HOUR", /from/],
    ["from=yesterday&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR", /parameter from/],
    ["from=2026-08-24T00:00:00&resolution=QUARTER_HOUR", /Missing parameter to/],
    ["from=2026-08-24T00:00:00&to=2026-08-24T25:00:00&resolution=QUARTER_HOUR", /parameter to/],
    ["from=2026-08-24T00:00:00&to=2026-08-24T10:00:00&resolution=HOUR", /resolution/],
    ["from=2026-08-24T00:00:00&to=2026-08-24T10:00:00", /resolution/],
    ["from=2026-08-24T10:00:00&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR", /to.*after/],
    ["from=2026-08-24T11:00:00&to=2026-08-24T10:00:00&resolution=QUARTER_HOUR", /to.*after/],
  ];
  for (const [query, detail] of cases) {
    await assertProblem(await get(`/v2/sites/3066774/power?${query}`), 400, detail);
    await assertProblem(await get(`/v2/sites/3066774/energy?${query}`), 400, detail);
  }
});

Deno.test("SolarEdge sim reads from and to in the site's zone and prints its offsets", async () => {
  const { series } = setup();
  const body = await series(BERLIN.siteId, "power", "2026-08-24T10:00:00", "2026-08-24T11:00:00");
  assert.deepEqual(body.values.map((v) => v.timestamp), [
    "2026-08-24T10:00:00+02:00",
    "2026-08-24T10:15:00+02:00",
    "2026-08-24T10:30:00+02:00",
    "2026-08-24T10:45:00+02:00",
  ]);
  assert.deepEqual(body.period, {
    from: "2026-08-24T10:00:00+02:00",
    to: "2026-08-24T11:00:00+02:00",
  });
  const ny = await series(NEW_YORK.siteId, "power", "2026-08-24T10:00", "2026-08-24T10:15");
  assert.deepEqual(ny.values.map((v) => v.timestamp), ["2026-08-24T10:00:00-04:00"]);
});

Deno.test("SolarEdge sim allows 12 hours per request and answers 400 beyond", async () => {
  const { get, series } = setup();
  const half = await series(42, "power", "2026-08-01T00:00:00", "2026-08-01T12:00:00");
  assert.equal(half.values.length, 48);
  const q = new URLSearchParams({
    from: "2026-08-01T00:00:00",
    to: "2026-08-01T12:15:00",
    resolution: "QUARTER_HOUR",
  });
  for (const kind of ["power", "energy"]) {
    const body = await assertProblem(await get(`/v2/sites/42/${kind}?${q}`), 400, /12 hours/);
    assert.equal(body.title, "Bad Request");
  }
});

Deno.test("SolarEdge sim counts the 12 hours both on the wall clock and in elapsed time", async () => {
  const { get, series } = setup();
  const ask = (siteId: number, from: string, to: string) =>
    get(
      `/v2/sites/${siteId}/power?${new URLSearchParams({ from, to, resolution: "QUARTER_HOUR" })}`,
    );
  // Spring-forward in Berlin: 00:00 to 12:00 local is 11 hours elapsed, 12 on the wall: allowed.
  const spring = await series(BERLIN.siteId, "power", "2026-03-29T00:00:00", "2026-03-29T12:00:00");
  assert.equal(spring.values.length, 44);
  // 00:00 to 13:00 local is 12 hours elapsed but 13 on the wall: refused.
  await assertProblem(
    await ask(BERLIN.siteId, "2026-03-29T00:00:00", "2026-03-29T13:00:00"),
    400,
    /12 hours/,
  );
  // Fall-back in New York: 00:00 to 12:00 local is 13 hours elapsed: refused.
  await assertProblem(
    await ask(NEW_YORK.siteId, "2026-11-01T00:00:00", "2026-11-01T12:00:00"),
    400,
    /12 hours/,
  );
  const fall = await series(NEW_YORK.siteId, "power", "2026-11-01T00:00:00", "2026-11-01T11:00:00");
  assert.equal(fall.values.length, 48);
});

Deno.test("SolarEdge sim reads a repeated wall time as its first occurrence, a skipped one later", async () => {
  const { series } = setup();
  // 01:30 happens twice in New York on 2026-11-01; the simulator takes the first (EDT, -04:00).
  const repeated = await series(
    NEW_YORK.siteId,
    "energy",
    "2026-11-01T01:30:00",
    "2026-11-01T02:00:00",
  );
  assert.deepEqual(repeated.values.map((v) => v.timestamp), [
    "2026-11-01T01:30:00-04:00",
    "2026-11-01T01:45:00-04:00",
    "2026-11-01T01:00:00-05:00",
    "2026-11-01T01:15:00-05:00",
    "2026-11-01T01:30:00-05:00",
    "2026-11-01T01:45:00-05:00",
  ]);
  // 02:30 does not exist in Berlin on 2026-03-29: it is read as 03:30 CEST.
  const skipped = await series(
    BERLIN.siteId,
    "power",
    "2026-03-29T02:30:00",
    "2026-03-29T04:00:00",
  );
  assert.deepEqual(skipped.values.map((v) => v.timestamp), [
    "2026-03-29T03:30:00+02:00",
    "2026-03-29T03:45:00+02:00",
  ]);
});

Deno.test("SolarEdge sim answers in the site's units and in W and WH when asked", async () => {
  const { sim, get } = setup();
  sim.addAccount({
    apiKey: "big",
    sites: [{ ...LONDON, siteId: 77, peakPowerKw: 5000, powerUnit: "MW", energyUnit: "GWH" }],
  });
  const q = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      from: "2026-08-24T12:00:00",
      to: "2026-08-24T13:00:00",
      resolution: "QUARTER_HOUR",
      ...extra,
    });
  const fetchBody = async (kind: string, extra?: Record<string, string>) => {
    const res = await get(`/v2/sites/77/${kind}?${q(extra)}`, { "x-api-key": "big" });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const mw = await fetchBody("power");
  const w = await fetchBody("power", { unit: "W" });
  assert.equal(mw.unit, "MW");
  assert.equal(w.unit, "W");
  assert.ok(Math.abs(mw.values[0].value * 1e6 - w.values[0].value) < w.values[0].value * 1e-4);
  const gwh = await fetchBody("energy");
  const wh = await fetchBody("energy", { unit: "WH" });
  assert.equal(gwh.unit, "GWH");
  assert.ok(Math.abs(gwh.values[0].value * 1e9 - wh.values[0].value) <= wh.values[0].value * 1e-4);
  const bad = await get(`/v2/sites/77/power?${q({ unit: "WH" })}`, { "x-api-key": "big" });
  await assertProblem(bad, 400, /parameter unit/);
});

Deno.test("SolarEdge sim answers 403 for a site the key cannot see", async () => {
  const { sim, get } = setup();
  sim.addAccount({ apiKey: "key-b", sites: [{ ...BERLIN, siteId: 99 }] });
  const q = "from=2026-08-24T00:00:00&to=2026-08-24T01:00:00&resolution=QUARTER_HOUR";
  await assertProblem(await get(`/v2/sites/99/power?${q}`), 403, /Site 99/);
  await assertProblem(await get(`/v2/sites/12345/energy?${q}`), 403, /Site 12345/);
  assert.equal((await get(`/v2/sites/99/power?${q}`, { "x-api-key": "key-b" })).status, 200);
});

Deno.test("SolarEdge sim prints Berlin offsets across spring-forward", async () => {
  const { series } = setup();
  const body = await series(BERLIN.siteId, "power", "2026-03-29T00:00:00", "2026-03-29T12:00:00");
  const stamps = body.values.map((v) => v.timestamp);
  assert.equal(stamps[0], "2026-03-29T00:00:00+01:00");
  const i = stamps.indexOf("2026-03-29T01:45:00+01:00");
  assert.equal(stamps[i + 1], "2026-03-29T03:00:00+02:00");
  assert.equal(stamps.at(-1), "2026-03-29T11:45:00+02:00");
  assert.ok(stamps.every((s) => /T\d{2}:\d{2}:00\+0[12]:00$/.test(s)));
});

Deno.test("SolarEdge sim starts at the quarter hour containing from", async () => {
  const { series } = setup();
  const body = await series(BERLIN.siteId, "power", "2026-08-24T10:07:30", "2026-08-24T11:00:00");
  assert.equal(body.resolution, "QUARTER_HOUR");
  assert.deepEqual(body.values.map((v) => v.timestamp.slice(11)), [
    "10:00:00+02:00",
    "10:15:00+02:00",
    "10:30:00+02:00",
    "10:45:00+02:00",
  ]);
});

Deno.test("SolarEdge sim reports night nulls, dawn zeros and daytime watts in local time", async () => {
  const { series } = setup();
  const day = [
    ...(await series(LONDON.siteId, "power", "2026-08-24T00:00:00", "2026-08-24T12:00:00")).values,
    ...(await series(LONDON.siteId, "power", "2026-08-24T12:00:00", "2026-08-25T00:00:00")).values,
  ];
  const v = day.map((x) => x.value);
  assert.equal(v.length, 96);
  const firstReported = v.findIndex((x) => x !== null);
  const firstPositive = v.findIndex((x) => x !== null && x > 0);
  assert.ok(firstReported >= 4 * 4 && firstReported <= 4 * 7, `wakes at slot ${firstReported}`);
  assert.ok(firstPositive > firstReported);
  assert.ok(v.slice(firstReported, firstPositive).every((x) => x === 0));
  assert.ok(v.slice(0, firstReported).every((x) => x === null));
  assert.equal(v.at(-1), null, "23:45 local");
  const noon = v[4 * 13]!;
  assert.ok(noon > 0.5 * 9900 && noon <= 9900, `13:00 BST gives ${noon} W`);
  assert.ok(v.every((x) => x === null || (x >= 0 && x <= 9900)));
});

Deno.test("SolarEdge sim leaves intervals that end after now null", async () => {
  const { setNow, series } = setup();
  // The capture behind the real fixture: fetched at 17:05:51 BST, the 17:00 slot was still null.
  setNow("2026-08-24T17:05:51.160+01:00");
  const body = await series(LONDON.siteId, "power", "2026-08-24T06:00:00", "2026-08-24T17:15:00");
  assert.equal(body.values.at(-1)!.timestamp, "2026-08-24T17:00:00+01:00");
  assert.equal(body.values.at(-1)!.value, null);
  assert.ok(body.values.at(-2)!.value! > 0, "16:45 ended at 17:00 and is reported");
});

Deno.test("SolarEdge sim energy is the quarter-hour integral of power", async () => {
  const { series } = setup();
  const from = "2026-06-20T06:00:00";
  const to = "2026-06-20T18:00:00";
  const power = await series(NEW_YORK.siteId, "power", from, to);
  const energy = await series(NEW_YORK.siteId, "energy", from, to);
  assert.equal(energy.unit, "WH");
  assert.deepEqual(energy.values.map((x) => x.timestamp), power.values.map((x) => x.timestamp));
  let positive = 0;
  power.values.forEach((p, i) => {
    const e = energy.values[i].value;
    if (p.value === null) return assert.equal(e, null, p.timestamp);
    assert.ok(Number.isInteger(e), `${e} is whole Wh`);
    assert.ok(Math.abs(e! - p.value / 4) <= 0.5 + 1e-6, `${p.timestamp}: ${e} vs ${p.value}`);
    if (e! > 0) positive++;
  });
  assert.ok(positive > 40, `${positive} producing quarter hours in a June day`);
});

Deno.test("SolarEdge sim values are deterministic per site and differ between sites", async () => {
  const a = setup();
  const b = setup();
  const args = ["2026-05-01T06:00:00", "2026-05-01T18:00:00"] as const;
  const first = await a.series(BERLIN.siteId, "power", ...args);
  assert.deepEqual(await b.series(BERLIN.siteId, "power", ...args), first);
  b.sim.addAccount({ apiKey: "twin", sites: [{ ...BERLIN, siteId: 3066775 }] });
  const q = new URLSearchParams({ from: args[0], to: args[1], resolution: "QUARTER_HOUR" });
  const twin = await (await b.get(`/v2/sites/3066775/power?${q}`, { "x-api-key": "twin" })).json();
  assert.notDeepEqual(twin.values, first.values);
});
