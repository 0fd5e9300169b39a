/**
 * The adapter against the SolarEdge simulator, in-process: the simulator's handler is injected as
 * `fetch` and the clock is fixed, so retries, paging and time zones are tested without a network.
 */
import assert from "node:assert/strict";
import { solaredge, type SolarEdgeSecret } from "./adapter.ts";
import { createSolarEdgeSimulator, type SimSite } from "../../../local/simulators/solaredge.ts";
import { openCredential } from "../../../shared/credential_context.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { assertReadable } from "../../../shared/unreadable.ts";
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import { generateKey } from "../../../shared/fernet.ts";
import { Keyring } from "../../../shared/keyring.ts";
import { createLogger } from "../../../shared/logger.ts";
import type { CredentialRow } from "../../../shared/store.ts";

const NOW = new Date("2026-10-25T14:07:00Z");
let clock = NOW.getTime();
const BASE = "http://sim.test/v2";

async function setup(
  options: { sites?: SimSite[]; secret?: SolarEdgeSecret; base?: string; big?: boolean } = {},
) {
  const sim = createSolarEdgeSimulator({
    now: () => NOW,
    ...(options.big ? { perMinuteLimit: 100_000, monthlyCredits: 100_000 } : {}),
  });
  const sites = options.sites ?? [
    { siteId: 501, name: "Lisbon roof", timeZone: "Europe/Lisbon", peakPowerKw: 5 },
    { siteId: 502, name: "Denver barn", timeZone: "America/Denver", peakPowerKw: 12 },
  ];
  sim.addAccount({ apiKey: "KEY-ALPHA-123456", sites });
  const keyring = Keyring.parse(generateKey());
  const secret = options.secret ?? { apiKey: "KEY-ALPHA-123456" };
  const row: CredentialRow = {
    id: "c1",
    organization_id: "o1",
    source: "solaredge",
    label: "test",
    secret: await keyring.encrypt(JSON.stringify(secret)),
    status: "active",
  };
  const lines: string[] = [];
  let calls = 0;
  const sleeps: number[] = [];
  const ctx = await openCredential(solaredge, row, {
    baseUrl: options.base ?? BASE,
    keyring,
    logger: createLogger({ write: (l) => lines.push(l) }),
    now: () => NOW,
    countCall: () => calls++,
    http: {
      fetch: ((input: string, init?: RequestInit) =>
        sim.handler(new Request(input, init))) as typeof fetch,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      now: () =>
        clock,
      random: () => 0.5,
    },
  });
  return { sim, ctx, calls: () => calls, sleeps, lines };
}

Deno.test("fetchSitesList pages by sites-in-page, reads each new site's zone once", async () => {
  const sites = Array.from({ length: 2300 }, (_, i) => ({
    siteId: 9000 + i,
    name: `Site ${i}`,
    timeZone: i % 2 ? "Europe/Berlin" : "Australia/Sydney",
    peakPowerKw: 4,
  }));
  const { ctx, calls, sim } = await setup({ sites, big: true });
  const listed = await solaredge.fetchSitesList(ctx);
  assert.equal(listed.length, 2300);
  assert.equal(new Set(listed.map((s) => s.vendorSiteId)).size, 2300);
  assert.deepEqual(listed[1], { vendorSiteId: "9001", name: "Site 1", timezone: "Europe/Berlin" });
  const urls = sim.requests("KEY-ALPHA-123456").urls;
  const pages = urls.filter((u) => u.startsWith("/v2/sites?"));
  assert.deepEqual(pages, [1, 2, 3].map((p) => `/v2/sites?page=${p}&sites-in-page=1000`));
  // /sites shows no time zone: one GET /sites/{id} per new site, counted like every call.
  assert.equal(calls(), 3 + 2300);
  // Sites already stored are not looked up again, with or without a zone.
  const known = new Map(listed.map((s, i) => [s.vendorSiteId, i % 3 ? s.timezone! : null]));
  sim.resetRequests();
  const again = await solaredge.fetchSitesList(ctx, known);
  assert.equal(again.length, 2300);
  assert.equal(sim.requests("KEY-ALPHA-123456").count, 3);
});

Deno.test("fetchSitesList survives a server that ignores paging", async () => {
  const sites = Array.from({ length: 1500 }, (_, i) => ({
    siteId: 100 + i,
    name: `S${i}`,
    timeZone: "Europe/Lisbon",
    peakPowerKw: 3,
  }));
  const { ctx, sim, lines } = await setup({ sites, big: true });
  sim.addAccount({ apiKey: "KEY-ALPHA-123456", sites, ignoresPaging: true });
  const known = new Map(sites.map((s) => [String(s.siteId), "Europe/Lisbon"]));
  const listed = await solaredge.fetchSitesList(ctx, known);
  assert.equal(listed.length, 1000);
  assert.equal(new Set(listed.map((s) => s.vendorSiteId)).size, 1000);
  // Page 2 repeats page 1: nothing new, so the list ends there instead of looping.
  assert.equal(sim.requests("KEY-ALPHA-123456").count, 2);
  assert.ok(lines.some((l) => l.includes("repeated a page")), lines.join("\n"));
});

Deno.test("a site whose details show no zone is listed without one", async () => {
  const { ctx } = await setup({
    sites: [{
      siteId: 1,
      name: "Quiet",
      timeZone: "Asia/Tokyo",
      peakPowerKw: 3,
      publishTimeZone: false,
    }],
  });
  assert.deepEqual(await solaredge.fetchSitesList(ctx), [
    { vendorSiteId: "1", name: "Quiet", timezone: undefined },
  ]);
});

Deno.test("fetchSiteData asks in naive local time, at most 12 h a call, and returns UTC ends", async () => {
  const { ctx, sim } = await setup();
  const window = { from: new Date("2026-10-25T00:00:00Z"), to: new Date("2026-10-25T12:00:00Z") };
  const data = await solaredge.fetchSiteData(ctx, {
    vendorSiteId: "501",
    timezone: "Europe/Lisbon",
  }, window);
  const urls = sim.requests("KEY-ALPHA-123456").urls;
  // 00:00Z is 01:00 WEST, just before Lisbon falls back that morning (02:00 WEST becomes 01:00
  // WET), so 01:00 local happens twice: the call starts an hour earlier to cover either reading.
  // 00:00 to 12:00 local is then 13 hours elapsed: the window is halved at 06:00Z.
  const param = (name: string) => urls.map((u) => new URL(u, "http://x").searchParams.get(name));
  const half = ["2026-10-25T00:00:00", "2026-10-25T06:00:00"];
  assert.deepEqual(param("from"), [...half, ...half]);
  const ends = ["2026-10-25T06:00:00", "2026-10-25T12:00:00"];
  assert.deepEqual(param("to"), [...ends, ...ends]);
  assert.deepEqual(param("unit"), ["W", "W", "WH", "WH"]);
  assert.equal(data.intervalsExpected, 2 * 48);
  assert.equal(data.intervalsReceived, data.readings.length);
  for (const r of data.readings) {
    assert.ok(r.ts.endsWith("Z"));
    const t = Date.parse(r.ts);
    assert.ok(t > window.from.getTime() && t <= window.to.getTime());
  }
  const keys = data.readings.map((r) => `${r.metric}@${r.ts}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(data.readings.some((r) => r.metric === "energy_wh" && r.value > 0));
  assert.equal(data.responses.length, 4);
  assert.ok(!JSON.stringify(data.responses).includes("KEY-ALPHA-123456"));
});

for (const repeated of ["earlier", "later"] as const) {
  Deno.test(`12 h windows over New York's fall-back lose and double nothing (${repeated} reading)`, async () => {
    const later = new Date("2026-11-15T00:00:00Z");
    const sim = createSolarEdgeSimulator({ now: () => later, repeatedWallTime: repeated });
    sim.addAccount({
      apiKey: "DST-KEY",
      sites: [{ siteId: 700, name: "Albany", timeZone: "America/New_York", peakPowerKw: 8 }],
    });
    const { ctx } = await simContext(solaredge, { apiKey: "DST-KEY" }, {
      handler: sim.handler,
      baseUrl: BASE,
      now: NOW,
    });
    // 01:00-02:00 local happens twice on 2026-11-01 (05:00-06:00Z EDT, 06:00-07:00Z EST). The
    // windows start before, inside the first and inside the second occurrence.
    for (
      const [from, to] of [
        ["2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z"],
        ["2026-11-01T05:30:00Z", "2026-11-01T17:30:00Z"],
        ["2026-11-01T06:30:00Z", "2026-11-01T18:30:00Z"],
      ]
    ) {
      sim.resetRequests();
      const window = { from: new Date(from), to: new Date(to) };
      const data = await solaredge.fetchSiteData(ctx, {
        vendorSiteId: "700",
        timezone: "America/New_York",
      }, window);
      // Nothing lost: the answers cover every quarter hour of the window (night ones are null).
      const covered = new Set(
        data.responses.flatMap((r) =>
          (r.body as { values: { timestamp: string }[] }).values.map((v) => Date.parse(v.timestamp))
        ),
      );
      for (let t = window.from.getTime(); t < window.to.getTime(); t += 900_000) {
        assert.ok(covered.has(t), `${new Date(t).toISOString()} missing for ${from}`);
      }
      // Nothing twice, nothing outside the window, and the afternoon's production is there.
      const keys = data.readings.map((r) => `${r.metric}@${r.ts}`);
      assert.equal(new Set(keys).size, keys.length);
      assert.ok(data.readings.every((r) => Date.parse(r.ts) > window.from.getTime()));
      assert.ok(data.readings.every((r) => Date.parse(r.ts) <= window.to.getTime()));
      if (to > "2026-11-01T15") assert.ok(data.readings.some((r) => r.value > 0));
      // The simulator refuses over 12 h by either count, so every call it answered kept to it.
      for (const u of sim.requests("DST-KEY").urls) {
        const q = new URL(u, "http://x").searchParams;
        assert.match(q.get("from")!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00$/);
        assert.match(q.get("to")!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00$/);
      }
      assert.equal(data.intervalsExpected, 2 * 48);
    }
  });
}

Deno.test("a revoked V2 key is fatal with SolarEdge's own reason", async () => {
  const { ctx } = await setup({ secret: { apiKey: "revoked-v2-key-0001" } });
  await assert.rejects(
    solaredge.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 401 &&
      e.message === "SolarEdge rejected the API key (HTTP 401): Invalid API key",
  );
});

Deno.test("a key of V1's shape is told that V1 was retired and a V2 key is needed", async () => {
  const v1 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  const { ctx } = await setup({ secret: { apiKey: v1 } });
  await assert.rejects(
    solaredge.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 401 && /V1 key/.test(e.message) &&
      /V2 key/.test(e.message) && !e.message.includes(v1),
  );
});

Deno.test("the retired V1 API's 410 is fatal with its own message", async () => {
  const { ctx } = await setup({ base: "http://sim.test" });
  await assert.rejects(
    solaredge.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 410 && /retired/.test(e.message),
  );
});

Deno.test("spent monthly credits are not retried and ask the core to pause the credential", async () => {
  const { ctx, sim, sleeps } = await setup();
  sim.addAccount({
    apiKey: "KEY-ALPHA-123456",
    sites: [{ siteId: 501, name: "Lisbon roof", timeZone: "Europe/Lisbon", peakPowerKw: 5 }],
    monthlyCredits: 0,
  });
  const window = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T11:00:00Z") };
  await assert.rejects(
    solaredge.fetchSiteData(ctx, { vendorSiteId: "501", timezone: "Europe/Lisbon" }, window),
    (e: unknown) =>
      e instanceof RetriableError && e.status === 429 && (e.retryAfterMs ?? 0) >= 60_000 &&
      e.message.startsWith(
        "SolarEdge monthly API credits are spent; paused until the billing cycle resets",
      ) && /Monthly API credit quota exceeded/.test(e.message),
  );
  assert.equal(sim.requests("KEY-ALPHA-123456").count, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("429 with Retry-After and a 5xx are retried and the data still arrives", async () => {
  const { ctx, sim, sleeps } = await setup();
  sim.addFault({ kind: "429", count: 1, retryAfter: 3 });
  sim.addFault({ kind: "5xx", count: 1 });
  const window = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T12:00:00Z") };
  const data = await solaredge.fetchSiteData(ctx, {
    vendorSiteId: "502",
    timezone: "America/Denver",
  }, window);
  assert.equal(data.responses.length, 2);
  assert.ok(sleeps.includes(3000));
  assert.equal(sim.requests("KEY-ALPHA-123456").count, 4);
});

Deno.test("a malformed body is a bad record for the site, not a crash", async () => {
  const { ctx, sim } = await setup();
  sim.addFault({ kind: "malformed", count: 1 });
  const window = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T11:00:00Z") };
  await assert.rejects(
    solaredge.fetchSiteData(ctx, { vendorSiteId: "501", timezone: "Europe/Lisbon" }, window),
    (e: unknown) => e instanceof BadRecordError && /malformed JSON/.test(e.message),
  );
});

Deno.test("a site the key cannot see fails that site only (403 is not fatal here)", async () => {
  const { ctx } = await setup();
  const window = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T11:00:00Z") };
  await assert.rejects(
    solaredge.fetchSiteData(ctx, { vendorSiteId: "777", timezone: "UTC" }, window),
    (e: unknown) =>
      e instanceof BadRecordError && e.status === 403 &&
      e.message ===
        "Cannot call SolarEdge /sites/777/power: received HTTP 403: " +
          "Site 777 is not accessible with this API key",
  );
});

Deno.test("parseSecret requires apiKey and reports both keys as sensitive", () => {
  assert.throws(() => solaredge.parseSecret({ key: "x" }), /apiKey is missing/);
  const { secret, sensitive } = solaredge.parseSecret({ apiKey: " A1 ", accountKey: "B2" });
  assert.deepEqual(secret, { apiKey: "A1", accountKey: "B2" });
  assert.deepEqual(sensitive, ["A1", "B2"]);
  assert.deepEqual(solaredge.authHeaders(secret), { "X-API-Key": "A1", "X-Account-Key": "B2" });
});

Deno.test("a vendor that hangs is timed out and the call repeated", async () => {
  const sim = createSolarEdgeSimulator({ now: () => NOW });
  sim.addAccount({
    apiKey: "HANG-KEY-000001",
    sites: [{ siteId: 601, name: "Hang", timeZone: "Europe/Lisbon", peakPowerKw: 4 }],
  });
  sim.addFault({ kind: "hang", count: 1 });
  const { ctx } = await simContext(solaredge, { apiKey: "HANG-KEY-000001" }, {
    handler: sim.handler,
    baseUrl: BASE,
    now: NOW,
    timeoutMs: 50,
  });
  const window = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T11:00:00Z") };
  const data = await solaredge.fetchSiteData(ctx, {
    vendorSiteId: "601",
    timezone: "Europe/Lisbon",
  }, window);
  assert.equal(data.responses.length, 2);
  assert.equal(sim.requests("HANG-KEY-000001").count, 3);
});

Deno.test("a body of unreadable timestamps fails the window; an all-null night passes", async () => {
  const body = (name: string) =>
    Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
  const run = async (file: string) => {
    const { ctx } = await simContext(solaredge, { apiKey: "K" }, {
      baseUrl: BASE,
      now: NOW,
      // The same values for both series; energy only differs in its unit.
      handler: (req) =>
        Promise.resolve(
          new Response(
            req.url.includes("/energy")
              ? body(file).replace('"unit": "W"', '"unit": "WH"')
              : body(file),
            { headers: { "content-type": "application/json" } },
          ),
        ),
    });
    const window = { from: new Date("2026-06-01T10:00:00Z"), to: new Date("2026-06-01T11:00:00Z") };
    return await solaredge.fetchSiteData(
      ctx,
      { vendorSiteId: "1", timezone: "Europe/Berlin" },
      window,
    );
  };
  const garbled = await run("power_unreadable.json");
  assert.deepEqual(garbled.readings, []);
  assert.throws(
    () => assertReadable("solaredge site 1", garbled),
    (e: unknown) =>
      e instanceof BadRecordError && /values\[\]\.timestamp \(4 unreadable/.test(e.message),
  );
  const night = await run("power_night.json");
  assert.deepEqual([night.readings, night.unreadable], [[], []]);
  assertReadable("solaredge site 1", night);
});

const sharedSites = new URL(
  "../../../../shared/fixtures/vendors/solaredge-v2/sites.json",
  import.meta.url,
);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedSites).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "fetchSitesList reads the real V2 /sites capture in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  async fn() {
    const details = Deno.readTextFileSync(new URL("./testdata/site_details.json", import.meta.url));
    const seen: string[] = [];
    const { ctx } = await simContext(solaredge, { apiKey: "K" }, {
      baseUrl: BASE,
      now: NOW,
      handler: (req) => {
        const path = new URL(req.url).pathname;
        seen.push(path);
        const body = path === "/v2/sites"
          ? Deno.readTextFileSync(sharedSites)
          : details.replace("4100017", path.split("/").at(-1)!);
        return Promise.resolve(
          new Response(body, { headers: { "content-type": "application/json" } }),
        );
      },
    });
    // The capture's `location` is the string "REDACTED", and it is one short page: no page 2.
    const listed = await solaredge.fetchSitesList(ctx);
    assert.deepEqual(listed, [{
      vendorSiteId: "3066774",
      name: "REDACTED",
      timezone: "Europe/Lisbon",
    }]);
    assert.deepEqual(seen, ["/v2/sites", "/v2/sites/3066774"]);
  },
});
