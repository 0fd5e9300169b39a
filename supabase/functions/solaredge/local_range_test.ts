import assert from "node:assert/strict";
import { localCalls, readingsOf, wallTime } from "./local_range.ts";

const H = 3_600_000;
const calls = (from: string, to: string, zone: string) =>
  localCalls({ from: new Date(from), to: new Date(to) }, zone, 12 * H, 15 * 60_000);

Deno.test("a plain 12 h window is one call in naive local time", () => {
  assert.deepEqual(calls("2026-06-01T00:00:00Z", "2026-06-01T12:00:00Z", "Europe/Berlin"), [
    { from: "2026-06-01T02:00:00", to: "2026-06-01T14:00:00" },
  ]);
  assert.deepEqual(calls("2026-06-01T00:00:00Z", "2026-06-01T12:00:00Z", "UTC"), [
    { from: "2026-06-01T00:00:00", to: "2026-06-01T12:00:00" },
  ]);
});

Deno.test("12 h over spring-forward is 13 on the wall clock, so it is halved", () => {
  // Berlin 2026-03-29: 00:00Z is 01:00 CET, 12:00Z is 14:00 CEST.
  assert.deepEqual(calls("2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z", "Europe/Berlin"), [
    { from: "2026-03-29T01:00:00", to: "2026-03-29T08:00:00" },
    { from: "2026-03-29T08:00:00", to: "2026-03-29T14:00:00" },
  ]);
});

Deno.test("a boundary in the repeated hour is moved out of it on the safe side", () => {
  // New York 2026-11-01: 05:30Z is the first 01:30 (EDT), 06:30Z the second (EST).
  assert.deepEqual(
    readingsOf("2026-11-01T01:30:00", "America/New_York", Date.parse("2026-11-01T06:00:00Z")),
    [
      Date.parse("2026-11-01T05:30:00Z"),
      Date.parse("2026-11-01T06:30:00Z"),
    ],
  );
  assert.equal(
    wallTime(Date.parse("2026-11-01T06:30:00Z"), "America/New_York"),
    "2026-11-01T01:30:00",
  );
  // Starting at the first 01:30 could be read as the second: start at 00:30 instead.
  assert.deepEqual(calls("2026-11-01T05:30:00Z", "2026-11-01T08:00:00Z", "America/New_York"), [
    { from: "2026-11-01T00:30:00", to: "2026-11-01T03:00:00" },
  ]);
  // Ending at the second 01:30 could be read as the first: end at 02:30 instead.
  assert.deepEqual(calls("2026-11-01T03:00:00Z", "2026-11-01T06:30:00Z", "America/New_York"), [
    { from: "2026-10-31T23:00:00", to: "2026-11-01T02:30:00" },
  ]);
});
