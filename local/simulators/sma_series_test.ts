import assert from "node:assert/strict";
import { daySet, SPIKE_WH } from "./sma_series.ts";

const DEVICE = { deviceId: "d1", name: "STP", generatorPowerW: 6000, peakPowerKw: 6.6 };
const LATER = Date.parse("2030-01-01T00:00:00Z");
const all = { now: LATER, energy: true, nightZeros: true };

Deno.test("daySet runs 00:05 to 00:00 next day: 23 hours on a spring-forward day", () => {
  const set = daySet(DEVICE, "Europe/Berlin", "2026-03-29", all);
  assert.equal(set.length, 23 * 12);
  assert.equal(set[0].time, "2026-03-29T00:05:00");
  assert.equal(set.at(-1)!.time, "2026-03-30T00:00:00");
  assert.ok(!set.some((e) => e.time.startsWith("2026-03-29T02:")));
  const i = set.findIndex((e) => e.time === "2026-03-29T01:55:00");
  assert.equal(set[i + 1].time, "2026-03-29T03:00:00");
});

Deno.test("daySet repeats the fall-back hour's wall times, in order of the instants", () => {
  const set = daySet(DEVICE, "Europe/Berlin", "2026-10-25", all);
  assert.equal(set.length, 25 * 12);
  const repeated = set.filter((e) => e.time.startsWith("2026-10-25T02:"));
  assert.equal(repeated.length, 24);
  assert.equal(set.filter((e) => e.time === "2026-10-25T02:30:00").length, 2);
  // First pass 02:05 ... 02:55, then 02:00 again (the change itself), 02:05 ... 02:55, 03:00.
  const first = set.findIndex((e) => e.time === "2026-10-25T02:05:00");
  assert.deepEqual(set.slice(first + 10, first + 14).map((e) => e.time.slice(11, 16)), [
    "02:55",
    "02:00",
    "02:05",
    "02:10",
  ]);
  assert.equal(set.at(-1)!.time, "2026-10-26T00:00:00");
});

Deno.test("daySet starts at local midnight in zones east of UTC with a change that day", () => {
  // Sydney springs forward at 02:00 on 2026-10-04, fourteen hours before UTC midnight.
  const set = daySet(DEVICE, "Australia/Sydney", "2026-10-04", all);
  assert.equal(set.length, 23 * 12);
  assert.equal(set[0].time, "2026-10-04T00:05:00");
});

Deno.test("daySet leaves out sleeping hours and intervals that have not ended", () => {
  const now = Date.parse("2026-06-10T10:02:00Z"); // 12:02 CEST
  const set = daySet(DEVICE, "Europe/Berlin", "2026-06-10", { now, energy: true });
  assert.equal(set.at(-1)!.time, "2026-06-10T12:00:00");
  assert.ok(set[0].time > "2026-06-10T03:00:00", set[0].time);
  // The inverter wakes reporting zeros before the panels produce, like the fixtures.
  assert.equal(set[0].pvGeneration, 0);
  assert.ok(set.some((e) => e.pvGeneration > 300));
  assert.deepEqual(daySet(DEVICE, "Europe/Berlin", "2026-06-11", { now, energy: true }), []);
});

Deno.test("daySet clips at generatorPower and is the same every time", () => {
  const oversized = { ...DEVICE, generatorPowerW: 3000, peakPowerKw: 9 };
  const set = daySet(oversized, "Europe/Berlin", "2026-06-21", all);
  const max = Math.max(...set.map((e) => e.pvGeneration));
  assert.equal(max, 250); // 3000 W for five minutes
  assert.deepEqual(daySet(oversized, "Europe/Berlin", "2026-06-21", all), set);
  const power = daySet(oversized, "Europe/Berlin", "2026-06-21", { ...all, energy: false });
  assert.equal(Math.max(...power.map((e) => e.pvGeneration)), 3000);
});

Deno.test("daySet's spike replaces the first interval only", () => {
  const plain = daySet(DEVICE, "Europe/Berlin", "2026-06-10", { now: LATER, energy: true });
  const spiked = daySet(DEVICE, "Europe/Berlin", "2026-06-10", {
    now: LATER,
    energy: true,
    spike: true,
  });
  assert.equal(spiked[0].pvGeneration, SPIKE_WH);
  assert.deepEqual(spiked.slice(1), plain.slice(1));
});
