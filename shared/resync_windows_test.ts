import assert from "node:assert/strict";
import { RequestError } from "./errors.ts";
import { resyncWindows } from "./resync_windows.ts";

const NOW = new Date("2026-12-04T09:20:00Z");
const DAY_VENDOR = { maxRangeHours: 24, resolutionMinutes: 15, historyDays: 730 };
const LOCAL_DAY = { ...DAY_VENDOR, windowAlignment: { localDay: true as const } };
const iso = (ws: Array<{ from: Date; to: Date }>) =>
  ws.map((w) => `${w.from.toISOString()}/${w.to.toISOString()}`);

Deno.test("a 3-day resync of a vendor with a one-day span is three whole-day windows", () => {
  const range = { from: new Date("2026-11-28T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") };
  assert.deepEqual(iso(resyncWindows(DAY_VENDOR, range, null, NOW, "resync")), [
    "2026-11-28T00:00:00.000Z/2026-11-29T00:00:00.000Z",
    "2026-11-29T00:00:00.000Z/2026-11-30T00:00:00.000Z",
    "2026-11-30T00:00:00.000Z/2026-12-01T00:00:00.000Z",
  ]);
});

Deno.test("a range that starts inside a window asks for that whole window", () => {
  const range = { from: new Date("2026-11-28T06:00:00Z"), to: new Date("2026-11-29T06:00:00Z") };
  assert.deepEqual(iso(resyncWindows(DAY_VENDOR, range, null, NOW, "resync")), [
    "2026-11-28T00:00:00.000Z/2026-11-29T00:00:00.000Z",
    "2026-11-29T00:00:00.000Z/2026-11-30T00:00:00.000Z",
  ]);
});

Deno.test("local-day vendors cut the range at the site's midnights, the current day included", () => {
  const range = { from: new Date("2026-12-03T05:00:00Z"), to: NOW };
  assert.deepEqual(iso(resyncWindows(LOCAL_DAY, range, "America/New_York", NOW, "resync")), [
    "2026-12-03T05:00:00.000Z/2026-12-04T05:00:00.000Z",
    "2026-12-04T05:00:00.000Z/2026-12-05T05:00:00.000Z",
  ]);
});

Deno.test("a range before the vendor's history limit is a 400 that says so", () => {
  const range = { from: new Date("2024-11-01T00:00:00Z"), to: new Date("2024-11-02T00:00:00Z") };
  assert.throws(
    () => resyncWindows(DAY_VENDOR, range, null, NOW, "resync the site"),
    (e: unknown) =>
      e instanceof RequestError && e.status === 400 &&
      e.message ===
        "Cannot resync the site: from is more than 730 days ago, before the vendor's history",
  );
  // A vendor that states no limit takes any range.
  const { historyDays: _, ...unbounded } = DAY_VENDOR;
  assert.equal(resyncWindows(unbounded, range, null, NOW, "resync").length, 1);
});
