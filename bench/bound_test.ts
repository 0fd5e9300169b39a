import assert from "node:assert/strict";
import { computeBound, cycleWindow, rateWaitSeconds, type VendorModel } from "./bound.ts";
import { planFleet } from "./fleet.ts";
import { stackModels } from "./models.ts";

const perMinute = (calls: number, aligned = false) => ({
  calls,
  windowS: 60,
  aligned,
  scope: "credential" as const,
});

Deno.test("rateWaitSeconds: windows opened by the first call wait whole windows", () => {
  assert.equal(rateWaitSeconds(300, perMinute(300), 0), 0, "one window's worth waits nothing");
  assert.equal(rateWaitSeconds(301, perMinute(300), 0), 60);
  assert.equal(rateWaitSeconds(900, perMinute(300), 0), 120);
});

Deno.test("rateWaitSeconds: calendar windows wait for the next boundary first", () => {
  const at45s = Date.UTC(2026, 11, 2, 15, 0, 45);
  assert.equal(rateWaitSeconds(300, perMinute(300, true), at45s), 0);
  assert.equal(rateWaitSeconds(301, perMinute(300, true), at45s), 15, "the next minute opens");
  assert.equal(rateWaitSeconds(901, perMinute(300, true), at45s), 15 + 120);
});

Deno.test("cycleWindow reaches back from the watermark by the lookback, aligned", () => {
  const w = cycleWindow(
    new Date("2026-12-02T15:07:30Z"),
    new Date("2026-12-02T14:00:00Z"),
    2,
    15,
  );
  assert.deepEqual(w, {
    from: new Date("2026-12-02T12:00:00Z"),
    to: new Date("2026-12-02T15:00:00Z"),
  });
});

const flat = (over: Partial<VendorModel>): VendorModel => ({
  authCalls: 0,
  pageSize: 100,
  siteCalls: () => 2,
  concurrency: 1,
  limits: [],
  resolutionMinutes: 15,
  ...over,
});

Deno.test("computeBound: latency over concurrency when no limit binds", () => {
  const plan = planFleet({ sites: 8, credentials: 4, tag: "12" });
  const models = {
    solaredge: flat({ concurrency: 2 }),
    enphase: flat({}),
    sma: flat({}),
    goodwe: flat({ authCalls: 1 }),
  };
  const bound = computeBound({
    plan,
    models,
    start: new Date("2026-12-02T15:07:00Z"),
    syncedThrough: new Date("2026-12-02T14:00:00Z"),
    lookbackHours: 2,
    latencyMs: 500,
    s3LatencyMs: 100,
  });
  // Two sites per vendor: solaredge 1 list + 4 data calls; goodwe 1 login + 1 list + 4.
  assert.equal(bound.calls, 5 + 5 + 5 + 6);
  assert.equal(bound.limiting.scope, "goodwe credential 4 (2 sites)");
  assert.equal(bound.boundS, 6 * 0.5 + 0.1);
});

Deno.test("computeBound: an application's shared limit binds all its credentials together", () => {
  const plan = planFleet({ sites: 400, credentials: 8, tag: "12" });
  const app = { calls: 100, windowS: 60, aligned: false, scope: "application" as const };
  const models = {
    solaredge: flat({ concurrency: 100 }),
    enphase: flat({ concurrency: 100, limits: [app] }),
    sma: flat({ concurrency: 100 }),
    goodwe: flat({ concurrency: 100 }),
  };
  const bound = computeBound({
    plan,
    models,
    start: new Date("2026-12-02T15:07:00Z"),
    syncedThrough: new Date("2026-12-02T14:00:00Z"),
    lookbackHours: 2,
    latencyMs: 100,
    s3LatencyMs: 0,
  });
  // Enphase: 100 sites over 2 credentials, 1 list each + 200 data calls = 202 calls, 3 windows.
  assert.equal(bound.limiting.scope, "enphase application: 100 per 60 s");
  assert.equal(bound.limiting.calls, 202);
  assert.equal(bound.boundS, 120 + 0.1);
});

Deno.test("stack models: the default fleet is bound by Enphase's app minute or SMA's one-at-a-time calls", () => {
  const plan = planFleet({ sites: 1000, credentials: 20, tag: "12" });
  const bound = computeBound({
    plan,
    models: stackModels,
    start: new Date("2026-12-02T15:07:00Z"),
    syncedThrough: new Date("2026-12-02T14:00:00Z"),
    lookbackHours: 2,
    latencyMs: 300,
    s3LatencyMs: 0,
  });
  // SMA: 50 plants per credential, each 1 device list + 2 day sets per local day (1 or 2 days).
  const sma = bound.scopes.filter((s) => s.scope.startsWith("sma credential"));
  assert.equal(sma.length, 5);
  for (const s of sma) assert.ok(s.calls >= 1 + 50 * 3 && s.calls <= 1 + 50 * 5, `${s.calls}`);
  // Enphase's 505 calls need two calendar minutes: at 15:07:00 the second opens 60 s later.
  const enphase = bound.scopes.find((s) => s.scope.startsWith("enphase application"))!;
  assert.equal(enphase.calls, 5 + 500);
  assert.equal(enphase.seconds, 60 + 0.3);
  assert.equal(bound.boundS, Math.max(enphase.seconds, ...sma.map((s) => s.seconds)));
});
