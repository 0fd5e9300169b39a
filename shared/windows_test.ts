import assert from "node:assert/strict";
import { alignedWindows, planWindows, windowAt } from "./windows.ts";

const base = {
  lookbackHours: 2,
  resolutionMinutes: 15,
  alignment: { hours: 12 },
  catchUpMaxHours: 72,
  initialHistoryHours: 24,
};
const iso = (w: { from: Date; to: Date; end: Date }) => [
  w.from.toISOString(),
  w.to.toISOString(),
  w.end.toISOString(),
];

Deno.test("a 1 h lookback and a 6 h catch-up ending in one quarter hour cover the same windows", () => {
  const now = new Date("2026-12-02T13:07:31Z");
  const catchUp = planWindows({
    ...base,
    now,
    syncedThrough: new Date("2026-12-02T07:00:00Z"),
  });
  const lookback = alignedWindows(
    { from: new Date(now.getTime() - 3_600_000), to: now },
    { ...base, now },
  );
  assert.deepEqual(catchUp.map(iso), [
    ["2026-12-02T00:00:00.000Z", "2026-12-02T12:00:00.000Z", "2026-12-02T12:00:00.000Z"],
    ["2026-12-02T12:00:00.000Z", "2026-12-02T13:00:00.000Z", "2026-12-03T00:00:00.000Z"],
  ]);
  // The lookback's one window is the catch-up's last, covered from its aligned start: the same
  // key with the same interval, never a shorter one.
  assert.deepEqual(lookback.map(iso), [catchUp[1]].map(iso));
});

Deno.test("the window that holds now only grows, under one aligned end", () => {
  const at = (now: string) =>
    planWindows({ ...base, now: new Date(now), syncedThrough: new Date(now) }).at(-1)!;
  const early = at("2026-12-02T13:05:00Z");
  const later = at("2026-12-02T18:20:00Z");
  assert.equal(early.end.toISOString(), later.end.toISOString());
  assert.equal(early.from.toISOString(), later.from.toISOString());
  assert.equal(early.to.toISOString(), "2026-12-02T13:00:00.000Z");
  assert.equal(later.to.toISOString(), "2026-12-02T18:15:00.000Z");
});

Deno.test("planWindows starts a new site with the initial history, in whole aligned windows", () => {
  const windows = planWindows({
    ...base,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: null,
  });
  assert.deepEqual(windows.map(iso), [
    ["2026-11-28T00:00:00.000Z", "2026-11-28T12:00:00.000Z", "2026-11-28T12:00:00.000Z"],
    ["2026-11-28T12:00:00.000Z", "2026-11-29T00:00:00.000Z", "2026-11-29T00:00:00.000Z"],
    ["2026-11-29T00:00:00.000Z", "2026-11-29T10:00:00.000Z", "2026-11-29T12:00:00.000Z"],
  ]);
});

Deno.test("planWindows caps one run's catch-up and starts with the oldest window", () => {
  const windows = planWindows({
    ...base,
    catchUpMaxHours: 10,
    now: new Date("2026-11-29T10:00:00Z"),
    syncedThrough: new Date("2026-11-20T02:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [
    ["2026-11-20T00:00:00.000Z", "2026-11-20T12:00:00.000Z", "2026-11-20T12:00:00.000Z"],
  ]);
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

Deno.test("a resync of an old range rewrites whole windows, also where the range starts mid-window", () => {
  const windows = alignedWindows(
    { from: new Date("2026-11-01T05:07:00Z"), to: new Date("2026-11-01T13:00:00Z") },
    { ...base, now: new Date("2026-11-29T10:00:00Z") },
  );
  assert.deepEqual(windows.map(iso), [
    ["2026-11-01T00:00:00.000Z", "2026-11-01T12:00:00.000Z", "2026-11-01T12:00:00.000Z"],
    ["2026-11-01T12:00:00.000Z", "2026-11-02T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
  ]);
});

Deno.test("UTC-hour windows keep their length over DST (Europe/Berlin spring forward)", () => {
  const [from, end] = windowAt(Date.parse("2026-03-29T01:30:00Z"), { hours: 12 }, "Europe/Berlin");
  assert.equal(new Date(from).toISOString(), "2026-03-29T00:00:00.000Z");
  assert.equal(end - from, 12 * 3_600_000);
});

const localDay = { ...base, resolutionMinutes: 5, alignment: { localDay: true as const } };

Deno.test("local-day windows are the site's days: 23 h on spring forward, 25 h on fall back", () => {
  const day = (at: string) => {
    const [from, end] = windowAt(Date.parse(at), { localDay: true }, "Europe/Berlin");
    return [new Date(from).toISOString(), (end - from) / 3_600_000];
  };
  assert.deepEqual(day("2026-03-29T12:00:00Z"), ["2026-03-28T23:00:00.000Z", 23]);
  assert.deepEqual(day("2026-10-25T12:00:00Z"), ["2026-10-24T22:00:00.000Z", 25]);
  assert.deepEqual(day("2026-10-26T12:00:00Z"), ["2026-10-25T23:00:00.000Z", 24]);
});

Deno.test("local-day windows tile a catch-up over a DST change without gap or overlap", () => {
  const windows = planWindows({
    ...localDay,
    timezone: "America/New_York",
    now: new Date("2026-11-02T15:02:00Z"),
    syncedThrough: new Date("2026-10-31T12:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [
    ["2026-10-31T04:00:00.000Z", "2026-11-01T04:00:00.000Z", "2026-11-01T04:00:00.000Z"],
    // 1 November 2026: New York falls back, a day of 25 hours.
    ["2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z", "2026-11-02T05:00:00.000Z"],
    ["2026-11-02T05:00:00.000Z", "2026-11-02T15:00:00.000Z", "2026-11-03T05:00:00.000Z"],
  ]);
});

Deno.test("local-day windows fall back to UTC days for a site without a time zone", () => {
  const windows = planWindows({
    ...localDay,
    timezone: null,
    now: new Date("2026-12-02T13:07:00Z"),
    syncedThrough: new Date("2026-12-02T12:00:00Z"),
  });
  assert.deepEqual(windows.map(iso), [
    ["2026-12-02T00:00:00.000Z", "2026-12-02T13:05:00.000Z", "2026-12-03T00:00:00.000Z"],
  ]);
});
