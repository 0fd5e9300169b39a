import assert from "node:assert/strict";
import { daylightCoverage } from "./daylight.ts";
import type { Reading } from "./types.ts";

const day = { from: new Date("2026-12-03T00:00:00Z"), to: new Date("2026-12-04T00:00:00Z") };
const every = (fromIso: string, toIso: string, stepMin = 15, metric = "power_w"): Reading[] => {
  const out: Reading[] = [];
  // Stamped as the adapters keep them: each interval by its end, in (from, to].
  for (
    let t = Date.parse(fromIso) + stepMin * 60_000;
    t <= Date.parse(toIso);
    t += stepMin * 60_000
  ) {
    out.push({ ts: new Date(t).toISOString(), metric, value: 100 });
  }
  return out;
};

Deno.test("a day with readings only while the sun is up is complete: night is not missing", () => {
  const readings = every("2026-12-03T07:00:00Z", "2026-12-03T17:00:00Z");
  assert.deepEqual(daylightCoverage(readings, day, "UTC", 15), { expected: 16, received: 16 });
});

Deno.test("a hole at noon is counted, once per interval whatever the series", () => {
  const readings = [
    ...every("2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z"),
    ...every("2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z", 15, "energy_wh"),
    ...every("2026-12-03T12:00:00Z", "2026-12-03T14:00:00Z"),
  ];
  assert.deepEqual(daylightCoverage(readings, day, "UTC", 15), { expected: 16, received: 12 });
});

Deno.test("the core hours are the site's local ones, also on a DST day", () => {
  // New York is UTC-5 in December: its 10:00 to 14:00 is 15:00 to 19:00 UTC.
  const utcNoon = every("2026-12-03T10:00:00Z", "2026-12-03T14:00:00Z");
  assert.deepEqual(daylightCoverage(utcNoon, day, "America/New_York", 15), {
    expected: 16,
    received: 0,
  });
  const localNoon = every("2026-12-03T15:00:00Z", "2026-12-03T19:00:00Z");
  assert.deepEqual(daylightCoverage(localNoon, day, "America/New_York", 15), {
    expected: 16,
    received: 16,
  });
  // Berlin's 23-hour day (2026-03-29) still has its four core hours, at UTC+2.
  const dst = { from: new Date("2026-03-28T23:00:00Z"), to: new Date("2026-03-29T22:00:00Z") };
  const readings = every("2026-03-29T08:00:00Z", "2026-03-29T12:00:00Z", 5);
  assert.deepEqual(daylightCoverage(readings, dst, "Europe/Berlin", 5), {
    expected: 48,
    received: 48,
  });
});

Deno.test("a window of the night only expects nothing; readings outside the window are ignored", () => {
  const night = { from: new Date("2026-12-03T18:00:00Z"), to: new Date("2026-12-04T06:00:00Z") };
  assert.deepEqual(
    daylightCoverage(every("2026-12-03T10:00:00Z", "2026-12-03T14:00:00Z"), night, null, 15),
    {
      expected: 0,
      received: 0,
    },
  );
  const half = { from: new Date("2026-12-03T00:00:00Z"), to: new Date("2026-12-03T12:00:00Z") };
  assert.deepEqual(
    daylightCoverage(every("2026-12-03T10:00:00Z", "2026-12-03T14:00:00Z"), half, "UTC", 15),
    {
      expected: 8,
      received: 8,
    },
  );
});
