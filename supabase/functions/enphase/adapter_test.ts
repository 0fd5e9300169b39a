/**
 * The adapter's sites and data: paging /systems, reading telemetry a day per call, and keeping
 * only the intervals of the asked window. Set-up in shared/testing/enphase_sim.ts.
 */
import assert from "node:assert/strict";
import { enphase } from "./adapter.ts";
import {
  APP,
  BASE,
  cannedContext,
  day,
  setupEnphase,
} from "../../../shared/testing/enphase_sim.ts";

const sharedDir = new URL("../../../../shared/fixtures/vendors/enphase/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("fetchSitesList pages /systems by 100 with the key and the bearer token", async () => {
  const systems = Array.from({ length: 230 }, (_, i) => ({
    systemId: 10_000 + i,
    name: `System ${i}`,
    timeZone: i % 2 ? "Europe/Berlin" : "US/Eastern",
    peakPowerKw: 5,
  }));
  const { sim, connect, context } = setupEnphase({ systems });
  const listed = await enphase.fetchSitesList(context(await connect()));
  assert.equal(listed.length, 230);
  assert.deepEqual(listed[1], {
    vendorSiteId: "10001",
    name: "System 1",
    timezone: "Europe/Berlin",
  });
  assert.equal(listed[0].timezone, "US/Eastern");
  assert.deepEqual(
    sim.requests(APP.apiKey).urls,
    [1, 2, 3].map((page) => `/api/v4/systems?key=${APP.apiKey}&page=${page}&size=100`),
  );
});

Deno.test("fetchSitesList reads the published shape and skips a system without an id", async () => {
  const body = JSON.parse(
    Deno.readTextFileSync(new URL("./testdata/systems.json", import.meta.url)),
  );
  const { ctx, urls } = cannedContext([{ status: 200, body }]);
  assert.deepEqual(await enphase.fetchSitesList(ctx), [
    { vendorSiteId: "4100231", name: "Bondi rooftop", timezone: "Australia/Sydney" },
    { vendorSiteId: "4100232", name: "Carport", timezone: "US/Eastern" },
  ]);
  // `total` counts the system without an id too, so one page is enough.
  assert.equal(urls.length, 1);
});

Deno.test({
  name: "fetchSitesList reads the real systems list in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  async fn() {
    const body = JSON.parse(Deno.readTextFileSync(new URL("enphase-systems-01.json", sharedDir)));
    const { ctx } = cannedContext([{ status: 200, body }]);
    assert.deepEqual(await enphase.fetchSitesList(ctx), [
      { vendorSiteId: "2875", name: "Site 1", timezone: "US/Eastern" },
      { vendorSiteId: "5254", name: "Site 2", timezone: "US/Eastern" },
    ]);
  },
});

Deno.test("fetchSiteData reads a day of micro and meter telemetry as UTC interval ends", async () => {
  const { connect, context } = setupEnphase();
  const window = day("2026-06-14T12:00:00Z", "2026-06-15T12:00:00Z");
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "2875", timezone: "America/New_York" },
    window,
  );
  assert.equal(data.responses.length, 2);
  assert.deepEqual(data.responses.map((r) => r.endpoint), [
    "/systems/{system_id}/telemetry/production_micro",
    "/systems/{system_id}/telemetry/production_meter",
  ]);
  const startAt = Date.parse("2026-06-14T12:00:00Z") / 1000;
  assert.equal(
    data.responses[0].request.url,
    `${BASE}/systems/2875/telemetry/production_micro?key=[redacted]&start_at=${startAt}&granularity=day`,
  );
  assert.ok(!JSON.stringify(data.responses).includes(APP.apiKey));
  assert.equal(data.intervalsExpected, 288 + 96);
  assert.equal(data.intervalsReceived, 288 + 96);
  assert.equal(data.dropped, 0);
  const count = (metric: string, device?: string) =>
    data.readings.filter((r) => r.metric === metric && r.device === device).length;
  assert.deepEqual([count("power_w"), count("energy_wh"), count("energy_wh", "production_meter")], [
    288,
    288,
    96,
  ]);
  for (const r of data.readings) {
    const t = Date.parse(r.ts);
    assert.ok(t > window.from.getTime() && t <= window.to.getTime(), r.ts);
  }
  // 17:00Z is 13:00 in Albany in June: the micros are producing.
  const noon = data.readings.find((r) => r.ts === "2026-06-14T17:00:00.000Z" && !r.device);
  assert.ok(noon && noon.value > 0);
});

Deno.test("fetchSiteData keeps only intervals that end inside (from, to]", async () => {
  const from = Date.parse("2026-06-15T10:00:00Z") / 1000;
  const to = from + 3600;
  // Vendors are not always exact about their own bounds (the real capture has intervals past its
  // end_at), so the adapter filters on its own window.
  const micro = {
    intervals: [from, from + 300, to, to + 300].map((end_at) => ({ end_at, powr: 12, enwh: 1 })),
  };
  const meter = { intervals: [from, to].map((end_at) => ({ end_at, wh_del: 3 })) };
  const { ctx } = cannedContext([{ status: 200, body: micro }, { status: 200, body: meter }]);
  const data = await enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, {
    from: new Date(from * 1000),
    to: new Date(to * 1000),
  });
  assert.deepEqual([...new Set(data.readings.map((r) => r.ts))], [
    "2026-06-15T10:05:00.000Z",
    "2026-06-15T11:00:00.000Z",
  ]);
  assert.deepEqual([data.intervalsExpected, data.intervalsReceived], [12 + 4, 2 + 1]);
});

Deno.test("fetchSiteData splits a longer window into day calls without duplicate readings", async () => {
  const { sim, connect, context } = setupEnphase();
  const window = day("2026-06-13T06:00:00Z", "2026-06-14T12:00:00Z");
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "5254" },
    window,
  );
  const starts = sim.requests(APP.apiKey).urls.map((u) =>
    new URL(u, BASE).searchParams.get("start_at")
  );
  const first = Date.parse("2026-06-13T06:00:00Z") / 1000;
  assert.deepEqual(starts, [first, first + 86_400, first, first + 86_400].map(String));
  assert.equal(data.intervalsExpected, 30 * 12 + 30 * 4);
  assert.equal(data.intervalsReceived, data.intervalsExpected);
  const keys = data.readings.map((r) => `${r.metric}/${r.device}@${r.ts}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(data.readings.length, 30 * 12 * 2 + 30 * 4);
});

Deno.test("fetchSiteData stops at now and asks nothing for a window in the future", async () => {
  const { sim, connect, context } = setupEnphase();
  const ctx = context(await connect());
  const site = { vendorSiteId: "2875", timezone: "America/New_York" };
  const open = await enphase.fetchSiteData(
    ctx,
    site,
    day("2026-06-15T11:00:00Z", "2026-06-15T13:00:00Z"),
  );
  assert.equal(open.intervalsExpected, 24 + 8);
  // Clock 12:07: micro intervals end 11:05 to 12:05, meter 11:15 to 12:00.
  assert.equal(open.intervalsReceived, 13 + 4);
  const later = await enphase.fetchSiteData(
    ctx,
    site,
    day("2026-06-15T12:30:00Z", "2026-06-15T13:00:00Z"),
  );
  assert.deepEqual([later.responses.length, later.readings.length], [0, 0]);
  assert.equal(sim.requests(APP.apiKey).count, 2);
});

Deno.test("fetchSiteData takes empty intervals past the last report as no data, not an error", async () => {
  const { connect, context } = setupEnphase();
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "2875" },
    day("2026-06-15T12:06:00Z", "2026-06-15T12:07:00Z"),
  );
  assert.deepEqual(data.responses.map((r) => (r.body as { intervals: unknown[] }).intervals), [
    [],
    [],
  ]);
  assert.deepEqual([data.readings.length, data.dropped, data.intervalsReceived], [0, 0, 0]);
});
