/**
 * SMA's 5-minute window is the API client's: two owners connected through one client share it, so
 * their requests together never exceed the client's package, while another client keeps its own.
 */
import assert from "node:assert/strict";
import type { SmaSimOwner } from "../../../local/simulators/sma.ts";
import { createSma } from "./adapter.ts";
import { clientWindows, createClientWindows } from "./client_window.ts";
import { setupSma, VENDOR } from "../../../shared/testing/sma_sim.ts";

const SECOND: SmaSimOwner = {
  email: "second-owner@example.com",
  password: "second-password",
  plants: [{
    plantId: "4400002",
    name: "Kassel Hall",
    timeZone: "Europe/Berlin",
    nightZeros: true,
    devices: [{ deviceId: "3101", name: "Hall roof", generatorPowerW: 6000, peakPowerKw: 6.5 }],
  }],
};

Deno.test("two owners under one SMA client share its 5-minute window: waits, never a 429", async () => {
  // The simulator refuses the fifth request in five minutes from this client, whoever's it is.
  const { sim, connect, context, advance } = setupSma({ perFiveMinutes: 4 });
  sim.setAccessTokenLifetime(3600);
  sim.addOwner(SECOND);
  const vendor = { ...VENDOR, SMA_PER_FIVE_MINUTES: "4" };
  const first = { ...context(await connect()), vendorConfig: vendor };
  const second = { ...context(await connect(SECOND.email)), vendorConfig: vendor };
  const waits: number[] = [];
  const adapter = createSma(createClientWindows({
    now: () => first.now().getTime(),
    sleep: (ms) => {
      waits.push(ms);
      advance(ms);
      return Promise.resolve();
    },
  }));
  sim.resetRequests();
  const w = { from: new Date("2026-10-25T10:00:00Z"), to: new Date("2026-10-25T11:00:00Z") };
  // Owner one: lean + 2 x 2 sets = 5 requests; owner two: lean + 2 sets = 3, interleaved.
  const [a, b] = await Promise.all([
    adapter.fetchSiteData(first, { vendorSiteId: "4400001", timezone: "Europe/Berlin" }, w),
    adapter.fetchSiteData(second, { vendorSiteId: "4400002", timezone: "Europe/Berlin" }, w),
  ]);
  assert.equal(sim.requests().count, 8, "no request was refused and repeated");
  assert.equal(waits.length > 0, true);
  assert.ok(waits.reduce((x, y) => x + y, 0) >= 2 * 60_000, String(waits));
  assert.equal(a.readings.filter((r) => r.metric === "power_w").length, 24);
  assert.equal(b.readings.filter((r) => r.metric === "power_w").length, 12);
});

Deno.test("the client window is keyed by client id and idle without SMA_PER_FIVE_MINUTES", async () => {
  let now = 0;
  const windows = createClientWindows({
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  });
  const one = { SMA_CLIENT_ID: "one", SMA_PER_FIVE_MINUTES: "2" };
  const two = { SMA_CLIENT_ID: "two", SMA_PER_FIVE_MINUTES: "2" };
  assert.equal(await windows.take(one), 0);
  assert.equal(await windows.take(one), 0);
  assert.equal(await windows.take(two), 0);
  assert.equal(await windows.take(two), 0);
  // Five minutes and the pacer's second of margin after the first of the client's two calls.
  assert.equal(await windows.take(one), 301_000);
  // Without a package limit nothing is counted or held, as before.
  for (let i = 0; i < 10; i++) assert.equal(await clientWindows.take({ SMA_CLIENT_ID: "x" }), 0);
});
