/**
 * The GoodWe adapter's plant list and site data against the simulator in-process (see
 * shared/testing/goodwe_world.ts), plus the bodies the simulator never sends, from canned answers.
 */
import assert from "node:assert/strict";
import { goodwe } from "./adapter.ts";
import {
  ACCOUNT,
  cannedFetch,
  PERTH,
  setup,
  UTRECHT,
} from "../../../shared/testing/goodwe_world.ts";
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";
import { assertReadable } from "../../../shared/unreadable.ts";

const plant = (i: number) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  name: `Plant ${i}`,
  timeZone: "Europe/Madrid",
  capacityKw: 5,
});
const LIST = "/eu/api/PowerStationMonitor/QueryPowerStationMonitor";

const sharedDir = new URL("../../../../shared/fixtures/vendors/goodwe/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("goodwe spec: SEMS+ login host, 5-minute curve, one call at a time, a cautious 100 a minute", () => {
  const { spec } = goodwe;
  assert.equal(spec.source, "goodwe");
  assert.equal(spec.apiVersion, "sems-v2");
  assert.equal(spec.baseUrl, "https://semsplus.goodwe.com");
  assert.equal(spec.auth, "session");
  assert.deepEqual([spec.pageSize, spec.resolutionMinutes, spec.maxRangeHours], [14, 5, 24]);
  assert.deepEqual(spec.rateLimits, { concurrency: 1, perMinute: 100 });
  assert.ok(spec.endpoints.includes("v2/PowerStationMonitor/GetPowerStationPacByDayForApp"));
});

Deno.test("fetchSitesList pages by 14 until a short page and leaves the time zone unset", async () => {
  const { sim, ctx, logIn } = setup({
    account: { plants: Array.from({ length: 30 }, (_, i) => plant(i)) },
  });
  await logIn();
  const sites = await goodwe.fetchSitesList(ctx);
  assert.equal(sites.length, 30);
  assert.deepEqual(sites[3], { vendorSiteId: plant(3).id, name: "Plant 3" });
  const log = sim.requests(ACCOUNT);
  assert.deepEqual(log.paths.filter((p) => p === LIST).length, 3);
  assert.deepEqual(log.bodies.map((b) => (b as { page_index: number }).page_index), [1, 2, 3]);
  assert.ok(log.bodies.every((b) => (b as { page_size: number }).page_size === 14));
});

Deno.test("fetchSitesList asks for one more page when the last one is exactly full", async () => {
  const { sim, ctx, logIn } = setup({
    account: { plants: Array.from({ length: 28 }, (_, i) => plant(i)) },
  });
  await logIn();
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 28);
  assert.equal(sim.requests(ACCOUNT).paths.filter((p) => p === LIST).length, 2);
});

Deno.test("fetchSitesList falls back to GetPowerStationIdByOwner for an owner with an empty list", async () => {
  const { sim, ctx, logIn } = setup({ account: { ownerOnly: true } });
  await logIn();
  assert.deepEqual(await goodwe.fetchSitesList(ctx), [{ vendorSiteId: UTRECHT.id }]);
  assert.equal(sim.requests(ACCOUNT).paths.at(-1), "/eu/api/PowerStation/GetPowerStationIdByOwner");
});

Deno.test("fetchSitesList stops when the server ignores page_index", async () => {
  const page = {
    code: 0,
    data: {
      record: 99,
      list: Array.from({ length: 14 }, (_, i) => ({ powerstation_id: `p${i}` })),
    },
  };
  const canned = cannedFetch([page, page, page]);
  const { ctx, setSecret } = setup({ fetch: canned.fetch });
  setSecret({
    account: ACCOUNT,
    password: "x",
    session: { token: "{}", api: "http://sim.test/eu/api/", issuedAt: "2026-01-01T00:00:00Z" },
  });
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 14);
  assert.equal(canned.requests.length, 2);
});

Deno.test({
  name: "fetchSitesList reads the real owner answer in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  async fn() {
    const owner = JSON.parse(
      Deno.readTextFileSync(new URL("powerstation_id_by_owner.json", sharedDir)),
    );
    const canned = cannedFetch([{ code: 0, data: { record: 0, list: [] } }, owner]);
    const { ctx, setSecret } = setup({ fetch: canned.fetch });
    setSecret({
      account: ACCOUNT,
      password: "x",
      session: {
        token: "{}",
        api: "https://eu.semsportal.com/api/",
        issuedAt: "2026-01-01T00:00:00Z",
      },
    });
    assert.deepEqual(await goodwe.fetchSitesList(ctx), [{
      vendorSiteId: "12345678-1234-5678-9abc-123456789abc",
    }]);
    assert.equal(
      canned.requests[1].url,
      "https://eu.semsportal.com/api/PowerStation/GetPowerStationIdByOwner",
    );
  },
});

Deno.test("fetchSiteData asks for each plant-local day and returns UTC readings inside the window", async () => {
  const { sim, ctx, logIn } = setup();
  await logIn();
  const window = { from: new Date("2026-10-25T12:00:00Z"), to: new Date("2026-10-26T12:00:00Z") };
  const data = await goodwe.fetchSiteData(ctx, {
    vendorSiteId: UTRECHT.id,
    timezone: "Europe/Amsterdam",
  }, window);
  const log = sim.requests(ACCOUNT);
  assert.deepEqual(log.paths.slice(1), [
    "/eu/api/v3/PowerStation/GetMonitorDetailByPowerstationId",
    "/eu/api/v2/PowerStationMonitor/GetPowerStationPacByDayForApp",
    "/eu/api/v2/PowerStationMonitor/GetPowerStationPacByDayForApp",
  ]);
  assert.deepEqual(log.bodies, [
    { powerStationId: UTRECHT.id },
    { id: UTRECHT.id, date: "2026-10-25" },
    { id: UTRECHT.id, date: "2026-10-26" },
  ]);
  assert.equal(data.responses.length, 3);
  assert.equal(
    data.responses[1].request.url,
    "http://sim.test/eu/api/v2/PowerStationMonitor/GetPowerStationPacByDayForApp",
  );
  assert.ok(!JSON.stringify(data.responses).includes(JSON.parse(ctx.secret.session!.token).token));
  for (const r of data.readings) {
    const t = Date.parse(r.ts);
    assert.ok(t > window.from.getTime() && t <= window.to.getTime(), r.ts);
  }
  const keys = data.readings.map((r) => `${r.metric}|${r.device ?? ""}|${r.ts}`);
  assert.equal(new Set(keys).size, keys.length);
  const curve = data.readings.filter((r) => r.metric === "power_w" && r.device === undefined);
  assert.equal(data.intervalsExpected, 288);
  assert.equal(data.intervalsReceived, curve.length);
  assert.ok(curve.length > 100 && curve.length < 288, `${curve.length} daylight samples`);
  assert.ok(curve.every((r) => Date.parse(r.ts) % 300_000 === 0));
});

Deno.test("fetchSiteData adds the inverter snapshot at its last report and drops its sentinels", async () => {
  const { ctx, logIn } = setup();
  await logIn();
  const window = { from: new Date("2026-10-26T10:00:00Z"), to: new Date("2026-10-26T12:00:00Z") };
  const data = await goodwe.fetchSiteData(ctx, {
    vendorSiteId: UTRECHT.id,
    timezone: "Europe/Amsterdam",
  }, window);
  const devices = data.readings.filter((r) => r.device !== undefined);
  // The simulated inverter last reported at 12:00Z, the window's end: its values are inside.
  assert.ok(devices.length >= 10);
  assert.ok(devices.every((r) => r.ts === "2026-10-26T12:00:00.000Z" && /^GW/.test(r.device!)));
  const curveAtEnd = data.readings.find((r) =>
    r.metric === "power_w" && !r.device && r.ts === "2026-10-26T12:00:00.000Z"
  )!;
  assert.equal(devices.find((r) => r.metric === "power_w")!.value, curveAtEnd.value);
  // A single-phase inverter with two PV inputs: phases 2-3 and inputs 3-4 are sentinels.
  assert.equal(devices.filter((r) => /_l[23]_|_[34]_/.test(r.metric)).length, 0);
  assert.ok(data.dropped >= 10);
  assert.ok(data.readings.some((r) => r.metric === "pv_power_w"));
});

Deno.test("fetchSiteData reads a dd/MM/yyyy account's pac dates on an early-month day", async () => {
  const { ctx, logIn } = setup({
    account: { dateFormat: "dd/MM/yyyy" },
    now: "2026-03-05T12:03:00Z",
  });
  await logIn();
  const window = { from: new Date("2026-03-05T10:00:00Z"), to: new Date("2026-03-05T12:00:00Z") };
  const data = await goodwe.fetchSiteData(ctx, {
    vendorSiteId: UTRECHT.id,
    timezone: "Europe/Amsterdam",
  }, window);
  const curve = data.readings.filter((r: Reading) => r.metric === "power_w" && !r.device);
  // 05/03/2026 read as MM/dd would be 3 May and fall outside the window.
  assert.equal(curve.length, 24);
  assert.equal(curve[0].ts, "2026-03-05T10:05:00.000Z");
  assert.ok(curve.every((r) => r.value > 0));
});

Deno.test("fetchSiteData uses the detail's UTC offset for a site without a time zone", async () => {
  const { ctx, logIn, lines } = setup({ now: "2026-01-10T13:03:00Z" });
  await logIn();
  const window = { from: new Date("2026-01-10T10:00:00Z"), to: new Date("2026-01-10T13:00:00Z") };
  const known = await goodwe.fetchSiteData(ctx, {
    vendorSiteId: UTRECHT.id,
    timezone: "Europe/Amsterdam",
  }, window);
  const guessed = await goodwe.fetchSiteData(
    ctx,
    { vendorSiteId: UTRECHT.id, timezone: null },
    window,
  );
  assert.ok(known.readings.length > 30);
  assert.deepEqual(guessed.readings, known.readings);
  assert.ok(lines.some((l) => l.includes("Etc/GMT-1")));
});

Deno.test("fetchSiteData of a plant the account cannot see is a bad record", async () => {
  const { ctx, logIn } = setup();
  await logIn();
  const window = { from: new Date("2026-10-26T10:00:00Z"), to: new Date("2026-10-26T12:00:00Z") };
  const foreign = "11111111-2222-4333-8444-555555555555";
  await assert.rejects(
    goodwe.fetchSiteData(ctx, { vendorSiteId: foreign }, window),
    (e: unknown) =>
      e instanceof BadRecordError && /plant 1111.*time zone is unknown/.test(e.message),
  );
  await assert.rejects(
    goodwe.fetchSiteData(ctx, { vendorSiteId: foreign, timezone: "Europe/Amsterdam" }, window),
    (e: unknown) => e instanceof BadRecordError && /data.pacs is missing/.test(e.message),
  );
});

Deno.test("GY0429 on an API call pauses the credential for 300 s", async () => {
  const { sim, ctx, logIn } = setup();
  await logIn();
  sim.addFault({ kind: "GY0429", count: 1, path: "PacByDay" });
  const window = { from: new Date("2026-10-26T10:00:00Z"), to: new Date("2026-10-26T12:00:00Z") };
  await assert.rejects(
    goodwe.fetchSiteData(ctx, { vendorSiteId: PERTH.id, timezone: "Australia/Perth" }, window),
    (e: unknown) =>
      e instanceof RetriableError && e.retryAfterMs === 300_000 &&
      e.message ===
        `Cannot call GoodWe pac curve of plant ${PERTH.id} on 2026-10-26: GoodWe answered code GY0429, "Too many requests"`,
  );
});

Deno.test("malformed and HTML bodies are bad records for the site, not crashes", async () => {
  const { sim, ctx, logIn } = setup();
  await logIn();
  const window = { from: new Date("2026-10-26T10:00:00Z"), to: new Date("2026-10-26T12:00:00Z") };
  const site = { vendorSiteId: UTRECHT.id, timezone: "Europe/Amsterdam" };
  sim.addFault({ kind: "malformed", count: 1 });
  await assert.rejects(
    goodwe.fetchSiteData(ctx, site, window),
    (e: unknown) =>
      e instanceof BadRecordError && /malformed JSON instead of JSON$/.test(e.message),
  );
  sim.addFault({ kind: "html", count: 1 });
  await assert.rejects(
    goodwe.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof BadRecordError && /received an HTML page instead of JSON$/.test(e.message),
  );
});

Deno.test("unknown codes are bad records naming code and message; 100005 on a call is fatal", async () => {
  const session = {
    token: "{}",
    api: "https://eu.semsportal.com/api/",
    issuedAt: "2026-01-01T00:00:00Z",
  };
  const odd = cannedFetch([{ hasError: true, code: 100099, msg: "Station is being migrated." }]);
  const first = setup({ fetch: odd.fetch });
  first.setSecret({ account: ACCOUNT, password: "x", session });
  await assert.rejects(
    goodwe.fetchSitesList(first.ctx),
    (e: unknown) =>
      e instanceof BadRecordError &&
      e.message ===
        'Cannot call GoodWe plant list page 1: GoodWe answered code 100099, "Station is being migrated"',
  );
  const locked = cannedFetch([{ hasError: true, code: 100005, msg: "Email or password error." }]);
  const second = setup({ fetch: locked.fetch });
  second.setSecret({ account: ACCOUNT, password: "x", session });
  await assert.rejects(goodwe.fetchSitesList(second.ctx), FatalCredentialError);
});

Deno.test("a call before any login is retriable and names no secret", async () => {
  const { ctx } = setup();
  await assert.rejects(
    goodwe.fetchSitesList(ctx),
    (e: unknown) => e instanceof RetriableError && /has not logged in yet$/.test(e.message),
  );
});

const SESSION = {
  token: "{}",
  api: "https://eu.semsportal.com/api/",
  issuedAt: "2026-01-01T00:00:00Z",
};
const detailBody = () =>
  JSON.parse(
    Deno.readTextFileSync(new URL("./testdata/monitor_detail.json", import.meta.url)),
  );

function cannedSite(bodies: unknown[]) {
  const canned = cannedFetch(bodies);
  const t = setup({ fetch: canned.fetch });
  t.setSecret({ account: ACCOUNT, password: "x", session: SESSION });
  return { ...t, canned };
}

const MARCH = { from: new Date("2026-03-05T10:00:00Z"), to: new Date("2026-03-05T12:00:00Z") };
const SITE = { vendorSiteId: UTRECHT.id, timezone: "Europe/Amsterdam" };

Deno.test("fetchSiteData fails a window whose pac dates are all unreadable, naming field and sample", async () => {
  const pacs = {
    code: 0,
    data: { pacs: [{ date: "5th of March 11:00", pac: 1800 }, { date: "?", pac: 1 }] },
  };
  const { ctx } = cannedSite([detailBody(), pacs]);
  await assert.rejects(
    goodwe.fetchSiteData(ctx, SITE, MARCH),
    (e: unknown) =>
      e instanceof BadRecordError &&
      e.message ===
        `Cannot read any value of GoodWe pac curve of plant ${UTRECHT.id} on 2026-03-05: pacs[].date (2 unreadable, e.g. "5th of March 11:00")`,
  );
});

Deno.test("fetchSiteData reports unreadable detail times so the core fails an otherwise empty window", async () => {
  const detail = detailBody();
  detail.data.info.time = "5 March";
  for (const inverter of detail.data.inverter) {
    inverter.last_refresh_time = "03/05/2026 12h05";
    delete inverter.d.last_refresh_time;
  }
  const { ctx } = cannedSite([detail, { code: 0, data: { pacs: [] } }]);
  const data = await goodwe.fetchSiteData(ctx, SITE, MARCH);
  assert.deepEqual(data.readings, []);
  assert.deepEqual(data.unreadable?.map((f) => [f.field, f.sample]), [
    ["info.time", '"5 March"'],
    ["inverter[].last_refresh_time", '"03/05/2026 12h05"'],
  ]);
  assert.throws(
    () => assertReadable("GoodWe plant", data),
    (e: unknown) =>
      e instanceof BadRecordError &&
      /info\.time \(1 unreadable, e\.g\. "5 March"\)/.test(e.message),
  );
});

Deno.test("an offline plant's empty pac curve is an empty success, not a bad record", async () => {
  const detail = detailBody();
  // Offline since the day before, as in 20260110_singleInverter_getData.json.
  for (const inverter of detail.data.inverter) inverter.last_refresh_time = "03/04/2026 17:10:00";
  detail.data.powerflow = null;
  const { ctx } = cannedSite([detail, { code: 0, data: { pacs: [] } }]);
  const data = await goodwe.fetchSiteData(ctx, SITE, MARCH);
  assert.deepEqual(data.readings, []);
  assert.equal(data.unreadable, undefined);
  assertReadable("GoodWe plant", data);
});
