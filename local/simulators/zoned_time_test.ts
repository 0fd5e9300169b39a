import assert from "node:assert/strict";
import { assertTimeZone, formatZonedIso, zonedTime } from "./zoned_time.ts";

Deno.test("formatZonedIso prints the wall clock and the offset in force at that instant", () => {
  const at = (iso: string) => new Date(iso);
  assert.equal(
    formatZonedIso(at("2026-03-29T00:45:00Z"), "Europe/Berlin"),
    "2026-03-29T01:45:00+01:00",
  );
  assert.equal(
    formatZonedIso(at("2026-03-29T01:00:00Z"), "Europe/Berlin"),
    "2026-03-29T03:00:00+02:00",
  );
  assert.equal(
    formatZonedIso(at("2026-11-01T05:45:00Z"), "America/New_York"),
    "2026-11-01T01:45:00-04:00",
  );
  assert.equal(
    formatZonedIso(at("2026-11-01T06:00:00Z"), "America/New_York"),
    "2026-11-01T01:00:00-05:00",
  );
  assert.equal(
    formatZonedIso(at("2026-08-24T05:15:00Z"), "Asia/Kathmandu"),
    "2026-08-24T11:00:00+05:45",
  );
});

Deno.test("formatZonedIso writes +00:00 rather than Z for zones at UTC", () => {
  assert.equal(
    formatZonedIso(new Date("2026-01-10T00:00:00Z"), "Europe/London"),
    "2026-01-10T00:00:00+00:00",
  );
  assert.equal(
    formatZonedIso(new Date("2026-01-10T23:59:59Z"), "UTC"),
    "2026-01-10T23:59:59+00:00",
  );
});

Deno.test("zonedTime reports midnight as hour 0 and keeps the local date", () => {
  const t = zonedTime(new Date("2026-06-30T22:00:00Z"), "Europe/Berlin");
  assert.deepEqual(t, {
    year: 2026,
    month: 7,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    offsetMinutes: 120,
  });
});

Deno.test("assertTimeZone names a zone that does not exist", () => {
  assert.throws(() => assertTimeZone("Mars/Olympus_Mons"), /Mars\/Olympus_Mons/);
  assertTimeZone("Australia/Sydney");
});
