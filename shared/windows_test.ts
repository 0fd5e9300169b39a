import assert from "node:assert/strict";
import { planWindows, splitWindow } from "./windows.ts";

const base = {
  lookbackHours: 2,
  resolutionMinutes: 15,
  maxRangeHours: 24 * 7,
  catchUpMaxHours: 72,
  initialHistoryHours: 24,
};
const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

Deno.test("planWindows reaches back the lookback from the watermark to the last full quarter", () => {
  const windows = planWindows({
    ...base,
    now: new Date("2026-11-29T10:07:31Z"),
    syncedThrough: new Date("2026-11-29T09:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [["2026-11-29T07:00:00.000Z", "2026-11-29T10:00:00.000Z"]]);
});

Deno.test("planWindows starts a new site with the initial history", () => {
  const windows = planWindows({
    ...base,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: null,
  });
  assert.deepEqual(windows.map(iso), [["2026-11-28T10:00:00.000Z", "2026-11-29T10:00:00.000Z"]]);
});

Deno.test("planWindows grows the window over missed runs and splits it by the vendor range", () => {
  const windows = planWindows({
    ...base,
    maxRangeHours: 24,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: new Date("2026-11-27T22:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [
    ["2026-11-27T20:00:00.000Z", "2026-11-28T20:00:00.000Z"],
    ["2026-11-28T20:00:00.000Z", "2026-11-29T10:00:00.000Z"],
  ]);
});

Deno.test("planWindows caps one run's catch-up and starts with the oldest hours", () => {
  const windows = planWindows({
    ...base,
    catchUpMaxHours: 10,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: new Date("2026-11-20T02:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [["2026-11-20T00:00:00.000Z", "2026-11-20T10:00:00.000Z"]]);
});

Deno.test("planWindows across a DST change keeps UTC lengths (Europe/Berlin spring forward)", () => {
  // 2026-03-29 01:00 UTC: Berlin jumps from 02:00 CET to 03:00 CEST; the window still spans 3 h.
  const windows = planWindows({
    ...base,
    now: new Date("2026-03-29T02:05:00Z"),
    syncedThrough: new Date("2026-03-29T01:00:00Z"),
  });
  assert.equal(windows.length, 1);
  assert.equal(windows[0].to.getTime() - windows[0].from.getTime(), 3 * 3_600_000);
  assert.deepEqual(iso(windows[0]), ["2026-03-28T23:00:00.000Z", "2026-03-29T02:00:00.000Z"]);
});

Deno.test("planWindows returns nothing when the watermark is ahead of now", () => {
  const windows = planWindows({
    ...base,
    lookbackHours: 0.1,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: new Date("2026-11-29T12:00:00Z"),
  });
  assert.deepEqual(windows, []);
});

Deno.test("splitWindow aligns an explicit range and cuts it into vendor-sized calls", () => {
  const windows = splitWindow(
    { from: new Date("2026-11-01T00:07:00Z"), to: new Date("2026-11-03T12:00:00Z") },
    15,
    24,
  );
  assert.deepEqual(windows.map(iso), [
    ["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
    ["2026-11-02T00:00:00.000Z", "2026-11-03T00:00:00.000Z"],
    ["2026-11-03T00:00:00.000Z", "2026-11-03T12:00:00.000Z"],
  ]);
});
