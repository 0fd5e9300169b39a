import assert from "node:assert/strict";
import { formatInZone, isTimeZone, offsetMinutes, zonedToUtc } from "./time.ts";

Deno.test("formatInZone renders local time with the offset in force at that instant", () => {
  assert.equal(
    formatInZone(new Date("2026-03-29T00:30:00Z"), "Europe/Berlin"),
    "2026-03-29T01:30:00+01:00",
  );
  assert.equal(
    formatInZone(new Date("2026-03-29T01:30:00Z"), "Europe/Berlin"),
    "2026-03-29T03:30:00+02:00",
  );
  assert.equal(
    formatInZone(new Date("2026-11-01T05:30:00Z"), "America/New_York"),
    "2026-11-01T01:30:00-04:00",
  );
  assert.equal(
    formatInZone(new Date("2026-11-01T06:30:00Z"), "America/New_York"),
    "2026-11-01T01:30:00-05:00",
  );
  assert.equal(
    formatInZone(new Date("2026-06-01T00:00:00Z"), "Asia/Kathmandu"),
    "2026-06-01T05:45:00+05:45",
  );
  assert.equal(formatInZone(new Date("2026-06-01T00:00:00Z"), "UTC"), "2026-06-01T00:00:00+00:00");
});

Deno.test("offsetMinutes is negative west of Greenwich", () => {
  assert.equal(offsetMinutes(new Date("2026-01-15T12:00:00Z"), "America/Los_Angeles"), -480);
  assert.equal(offsetMinutes(new Date("2026-01-15T12:00:00Z"), "Australia/Sydney"), 660);
});

Deno.test("isTimeZone tells IANA zones from garbage", () => {
  assert.equal(isTimeZone("Europe/Lisbon"), true);
  assert.equal(isTimeZone("Mars/Olympus"), false);
});

Deno.test("zonedToUtc reads naive local times in the zone, DST included", () => {
  assert.equal(
    zonedToUtc("2026-03-29T01:30:00", "Europe/Berlin").toISOString(),
    "2026-03-29T00:30:00.000Z",
  );
  assert.equal(
    zonedToUtc("2026-03-29T03:30:00", "Europe/Berlin").toISOString(),
    "2026-03-29T01:30:00.000Z",
  );
  assert.equal(
    zonedToUtc("2026-07-01T12:00:00", "America/Denver").toISOString(),
    "2026-07-01T18:00:00.000Z",
  );
  assert.throws(() => zonedToUtc("yesterday", "UTC"), /Cannot read local time/);
});

Deno.test("offsetMinutes agrees with Intl at every minute around DST changes, cached or not", () => {
  const reference = (t: number, timeZone: string) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      }).formatToParts(t).map((p) => [p.type, Number(p.value)]),
    );
    const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    return Math.round((local - Math.floor(t / 60_000) * 60_000) / 60_000);
  };
  const days = [
    ["Europe/Berlin", "2026-03-29T00:00:00Z"],
    ["Europe/Berlin", "2026-10-25T00:00:00Z"],
    ["America/New_York", "2026-11-01T04:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-04T13:00:00Z"], // a 30-minute change
    ["Asia/Kathmandu", "2026-06-01T00:00:00Z"],
    ["America/St_Johns", "2026-11-01T03:00:00Z"], // -02:30 to -03:30
    ["Pacific/Chatham", "2026-04-04T13:00:00Z"], // +13:45 to +12:45
    ["UTC", "2026-06-01T00:00:00Z"],
  ] as const;
  for (const [zone, start] of days) {
    // Twice over: the second pass reads the cache the first one filled.
    for (let pass = 0; pass < 2; pass++) {
      for (let m = 0; m < 6 * 60; m++) {
        const t = Date.parse(start) + m * 60_000 + 30_000;
        assert.equal(offsetMinutes(new Date(t), zone), reference(t, zone), `${zone} ${m} ${pass}`);
      }
    }
  }
});
