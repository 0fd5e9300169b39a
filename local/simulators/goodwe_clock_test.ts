import assert from "node:assert/strict";
import { daySampleTimes, formatSemsTime, isIsoDate, localDate } from "./goodwe_clock.ts";

Deno.test("formatSemsTime prints plant-local wall-clock time in each account format", () => {
  const at = new Date("2026-03-05T07:04:09Z");
  assert.equal(formatSemsTime(at, "Europe/Amsterdam"), "03/05/2026 08:04:09");
  assert.equal(formatSemsTime(at, "Europe/Amsterdam", "dd/MM/yyyy"), "05/03/2026 08:04:09");
  assert.equal(formatSemsTime(at, "Europe/Amsterdam", "yyyy-MM-dd"), "2026-03-05 08:04:09");
  assert.equal(formatSemsTime(at, "Australia/Sydney", "dd.MM.yyyy"), "05.03.2026 18:04:09");
  assert.equal(localDate(at, "America/Los_Angeles"), "2026-03-04");
});

Deno.test("daySampleTimes has 288 samples on a normal day, 276 and 300 on DST days", () => {
  const zone = "Europe/Amsterdam";
  assert.equal(daySampleTimes("2026-06-01", zone).length, 288);
  assert.equal(daySampleTimes("2026-03-29", zone).length, 276);
  const autumn = daySampleTimes("2026-10-25", zone);
  assert.equal(autumn.length, 300);
  assert.equal(autumn[0].toISOString(), "2026-10-24T22:00:00.000Z");
  assert.equal(autumn.at(-1)!.toISOString(), "2026-10-25T22:55:00.000Z");
  // The repeated hour is printed twice, once per offset.
  const printed = autumn.map((t) => formatSemsTime(t, zone));
  assert.equal(printed.filter((p) => p === "10/25/2026 02:30:00").length, 2);
});

Deno.test("isIsoDate accepts only real YYYY-MM-DD dates", () => {
  assert.ok(isIsoDate("2028-02-29"));
  for (const text of ["2026-02-29", "2026-13-01", "2026-1-05", "05/03/2026", 20260305, null]) {
    assert.equal(isIsoDate(text), false, String(text));
  }
});
