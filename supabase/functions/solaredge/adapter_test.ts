/**
 * The adapter against the SolarEdge simulator, in-process: the simulator's handler is injected as
 * `fetch` and the clock is fixed, so retries, paging and time zones are tested without a network.
 */
import assert from "node:assert/strict";
import { solaredge, type SolarEdgeSecret } from "./adapter.ts";
import { createSolarEdgeSimulator, type SimSite } from "../../../local/simulators/solaredge.ts";
import { openCredential } from "../../../shared/credential_context.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { BadRecordError, FatalCredentialError } from "../../../shared/errors.ts";
import { generateKey } from "../../../shared/fernet.ts";
import { Keyring } from "../../../shared/keyring.ts";
import { createLogger } from "../../../shared/logger.ts";
import type { CredentialRow } from "../../../shared/store.ts";

const NOW = new Date("2026-10-25T14:07:00Z");
let clock = NOW.getTime();
const BASE = "http://sim.test/v2";

async function setup(options: { sites?: SimSite[]; secret?: SolarEdgeSecret; base?: string } = {}) {
  const sim = createSolarEdgeSimulator({ now: () => NOW });
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

Deno.test("fetchSitesList pages through /sites and keeps each site's time zone", async () => {
  const sites = Array.from({ length: 230 }, (_, i) => ({
    siteId: 9000 + i,
    name: `Site ${i}`,
    timeZone: i % 2 ? "Europe/Berlin" : "Australia/Sydney",
    peakPowerKw: 4,
  }));
  const { ctx, calls } = await setup({ sites });
  const listed = await solaredge.fetchSitesList(ctx);
  assert.equal(listed.length, 230);
  assert.equal(calls(), 3);
  assert.deepEqual(listed[1], { vendorSiteId: "9001", name: "Site 1", timezone: "Europe/Berlin" });
  assert.equal(new Set(listed.map((s) => s.vendorSiteId)).size, 230);
});

Deno.test("fetchSiteData asks in the site's local offset and returns UTC interval ends", async () => {
  const { ctx, sim } = await setup();
  const window = { from: new Date("2026-10-25T00:00:00Z"), to: new Date("2026-10-25T14:00:00Z") };
  const data = await solaredge.fetchSiteData(ctx, {
    vendorSiteId: "501",
    timezone: "Europe/Lisbon",
  }, window);
  const urls = sim.requests("KEY-ALPHA-123456").urls;
  // 00:00Z is 01:00 WEST before Lisbon's fall-back that morning; 14:00Z is 14:00 WET.
  assert.ok(
    urls.some((u) => u.includes("from=2026-10-25T01%3A00%3A00%2B01%3A00")),
    urls.join("\n"),
  );
  assert.ok(urls.some((u) => u.includes("to=2026-10-25T14%3A00%3A00%2B00%3A00")));
  assert.equal(data.intervalsExpected, 2 * 56);
  assert.ok(data.readings.length > 40);
  for (const r of data.readings) {
    assert.ok(r.ts.endsWith("Z"));
    const t = Date.parse(r.ts);
    assert.ok(t > window.from.getTime() && t <= window.to.getTime());
  }
  const keys = data.readings.map((r) => `${r.metric}@${r.ts}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(data.readings.some((r) => r.metric === "energy_wh" && r.value > 0));
  assert.equal(data.responses.length, 2);
  assert.ok(!JSON.stringify(data.responses).includes("KEY-ALPHA-123456"));
});

Deno.test("a rejected key is fatal for the credential and names the V2 key it needs", async () => {
  const { ctx } = await setup({ secret: { apiKey: "OLD-V1-KEY-999" } });
  await assert.rejects(
    solaredge.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 401 && /V2 key/.test(e.message) &&
      !e.message.includes("OLD-V1-KEY-999"),
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
    (e: unknown) => e instanceof BadRecordError && e.status === 403,
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
