import assert from "node:assert/strict";
import { assertProblem, BERLIN, LONDON, NEW_YORK, setupSim as setup } from "./solaredge_testing.ts";

Deno.test("SolarEdge sim validates from, to and resolution with 400", async () => {
  const { get } = setup();
  const cases: [string, RegExp][] = [
    ["to=2026-08-24T10:00:00%2B01:00&resolution=QUARTER_HOUR", /Missing parameter from/],
    ["from=2026-08-24T00:00:00&to=2026-08-24T10:00:00Z&resolution=QUARTER_HOUR", /from/],
    ["from=2026-08-24T00:00:00+01:00&to=2026-08-24T10:00:00Z&resolution=QUARTER_HOUR", /%2B/],
    ["from=2026-02-30T00:00:00Z&to=2026-03-02T00:00:00Z&resolution=QUARTER_HOUR", /from/],
    ["from=yesterday&to=2026-08-24T10:00:00Z&resolution=QUARTER_HOUR", /from/],
    ["from=2026-08-24T00:00:00Z&resolution=QUARTER_HOUR", /Missing parameter to/],
    ["from=2026-08-24T00:00:00Z&to=2026-08-24T25:00:00Z&resolution=QUARTER_HOUR", /to/],
    ["from=2026-08-24T00:00:00Z&to=2026-08-24T10:00:00Z&resolution=HOUR", /resolution/],
    ["from=2026-08-24T00:00:00Z&to=2026-08-24T10:00:00Z", /resolution/],
    ["from=2026-08-24T10:00:00Z&to=2026-08-24T10:00:00Z&resolution=QUARTER_HOUR", /to.*after/],
    ["from=2026-08-24T11:00:00Z&to=2026-08-24T10:00:00Z&resolution=QUARTER_HOUR", /to.*after/],
  ];
  for (const [query, detail] of cases) {
    await assertProblem(await get(`/v2/sites/3066774/power?${query}`), 400, detail);
    await assertProblem(await get(`/v2/sites/3066774/energy?${query}`), 400, detail);
  }
});

Deno.test("SolarEdge sim allows 7 days per request and answers 403 beyond", async () => {
  const { get, series } = setup();
  const week = await series(42, "power", "2026-08-01T00:00:00+01:00", "2026-08-08T00:00:00+01:00");
  assert.equal(week.values.length, 7 * 96);
  const q = new URLSearchParams({
    from: "2026-08-01T00:00:00+01:00",
    to: "2026-08-08T00:01:00+01:00",
    resolution: "QUARTER_HOUR",
  });
  for (const kind of ["power", "energy"]) {
    const body = await assertProblem(
      await get(`/v2/sites/42/${kind}?${q}`),
      403,
      /Range too large/,
    );
    assert.equal(body.detail, "Range too large: at most 7 days per request");
  }
});

Deno.test("SolarEdge sim answers 403 for a site the key cannot see", async () => {
  const { sim, get } = setup();
  sim.addAccount({ apiKey: "key-b", sites: [{ ...BERLIN, siteId: 99 }] });
  const q = "from=2026-08-24T00:00:00Z&to=2026-08-24T01:00:00Z&resolution=QUARTER_HOUR";
  await assertProblem(await get(`/v2/sites/99/power?${q}`), 403, /Site 99/);
  await assertProblem(await get(`/v2/sites/12345/energy?${q}`), 403, /Site 12345/);
  assert.equal((await get(`/v2/sites/99/power?${q}`, { "x-api-key": "key-b" })).status, 200);
});

Deno.test("SolarEdge sim prints Berlin offsets across spring-forward: 92 quarter hours", async () => {
  const { series } = setup();
  const body = await series(
    BERLIN.siteId,
    "power",
    "2026-03-29T00:00:00+01:00",
    "2026-03-30T00:00:00+02:00",
  );
  const stamps = body.values.map((v) => v.timestamp);
  assert.equal(stamps.length, 92);
  assert.equal(stamps[0], "2026-03-29T00:00:00+01:00");
  const i = stamps.indexOf("2026-03-29T01:45:00+01:00");
  assert.equal(stamps[i + 1], "2026-03-29T03:00:00+02:00");
  assert.equal(stamps.at(-1), "2026-03-29T23:45:00+02:00");
  assert.ok(stamps.every((s) => /T\d{2}:\d{2}:00\+0[12]:00$/.test(s)));
});

Deno.test("SolarEdge sim prints New York offsets across fall-back: 100 quarter hours", async () => {
  const { series } = setup();
  const body = await series(
    NEW_YORK.siteId,
    "energy",
    "2026-11-01T00:00:00-04:00",
    "2026-11-02T00:00:00-05:00",
  );
  const stamps = body.values.map((v) => v.timestamp);
  assert.equal(stamps.length, 100);
  const i = stamps.indexOf("2026-11-01T01:45:00-04:00");
  assert.equal(stamps[i + 1], "2026-11-01T01:00:00-05:00");
  assert.equal(new Set(stamps).size, 100);
  assert.equal(stamps.at(-1), "2026-11-01T23:45:00-05:00");
});

Deno.test("SolarEdge sim echoes the period and starts at the quarter hour containing from", async () => {
  const { series } = setup();
  const from = "2026-08-24T10:07:30.5+02:00";
  const to = "2026-08-24T11:00:00.160789237+02:00";
  const body = await series(BERLIN.siteId, "power", from, to);
  assert.deepEqual(body.period, { from, to });
  assert.equal(body.resolution, "QUARTER_HOUR");
  assert.deepEqual(body.values.map((v) => v.timestamp.slice(11)), [
    "10:00:00+02:00",
    "10:15:00+02:00",
    "10:30:00+02:00",
    "10:45:00+02:00",
    "11:00:00+02:00",
  ]);
  // A UTC request still gets timestamps in the site's own zone.
  const utc = await series(BERLIN.siteId, "power", "2026-08-24T08:00:00Z", "2026-08-24T08:15:00Z");
  assert.deepEqual(utc.values.map((v) => v.timestamp), ["2026-08-24T10:00:00+02:00"]);
});

Deno.test("SolarEdge sim reports night nulls, dawn zeros and daytime watts in local time", async () => {
  const { series } = setup();
  const body = await series(
    LONDON.siteId,
    "power",
    "2026-08-24T00:00:00+01:00",
    "2026-08-25T00:00:00+01:00",
  );
  assert.equal(body.unit, "W");
  const v = body.values.map((x) => x.value);
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
  const body = await series(
    LONDON.siteId,
    "power",
    "2026-08-24T00:00:00+01:00",
    "2026-08-24T17:05:51.160789237+01:00",
  );
  assert.equal(body.values.length, 69);
  assert.equal(body.values.at(-1)!.timestamp, "2026-08-24T17:00:00+01:00");
  assert.equal(body.values.at(-1)!.value, null);
  assert.ok(body.values.at(-2)!.value! > 0, "16:45 ended at 17:00 and is reported");
  const later = await series(
    LONDON.siteId,
    "power",
    "2026-08-24T16:00:00+01:00",
    "2026-08-25T12:00:00+01:00",
  );
  const reported = later.values.filter((x) => x.value !== null).map((x) => x.timestamp);
  assert.deepEqual(reported.map((t) => t.slice(11, 16)), ["16:00", "16:15", "16:30", "16:45"]);
});

Deno.test("SolarEdge sim energy is the quarter-hour integral of power", async () => {
  const { series } = setup();
  const from = "2026-06-20T00:00:00-04:00";
  const to = "2026-06-22T00:00:00-04:00";
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
  assert.ok(positive > 2 * 40, `${positive} producing quarter hours in two June days`);
});

Deno.test("SolarEdge sim values are deterministic per site and differ between sites", async () => {
  const a = setup();
  const b = setup();
  const args = ["2026-05-01T00:00:00+02:00", "2026-05-03T00:00:00+02:00"] as const;
  const first = await a.series(BERLIN.siteId, "power", ...args);
  assert.deepEqual(await b.series(BERLIN.siteId, "power", ...args), first);
  b.sim.addAccount({ apiKey: "twin", sites: [{ ...BERLIN, siteId: 3066775 }] });
  const q = new URLSearchParams({ from: args[0], to: args[1], resolution: "QUARTER_HOUR" });
  const twin = await (await b.get(`/v2/sites/3066775/power?${q}`, { "x-api-key": "twin" })).json();
  assert.notDeepEqual(twin.values, first.values);
});
