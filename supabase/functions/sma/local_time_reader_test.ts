import assert from "node:assert/strict";
import { localTimeReader } from "./local_time_reader.ts";

const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();

Deno.test("localTimeReader rejects wall times inside the spring gap instead of guessing", () => {
  const read = localTimeReader("Europe/Berlin");
  assert.equal(iso(read("2026-03-29T01:55:00")), "2026-03-29T00:55:00.000Z");
  assert.equal(read("2026-03-29T02:00:00"), null);
  assert.equal(read("2026-03-29T02:55:00"), null);
  assert.equal(iso(read("2026-03-29T03:00:00")), "2026-03-29T01:00:00.000Z");
});

Deno.test("localTimeReader gives each pass of the repeated hour its own instant", () => {
  const read = localTimeReader("America/New_York");
  const times = ["00:55", "01:00", "01:30", "01:55", "01:00", "01:30", "02:00"];
  assert.deepEqual(times.map((t) => iso(read(`2026-11-01T${t}:00`))), [
    "2026-11-01T04:55:00.000Z",
    "2026-11-01T05:00:00.000Z",
    "2026-11-01T05:30:00.000Z",
    "2026-11-01T05:55:00.000Z",
    "2026-11-01T06:00:00.000Z",
    "2026-11-01T06:30:00.000Z",
    "2026-11-01T07:00:00.000Z",
  ]);
});

Deno.test("localTimeReader reads a lone second pass as the first (documented limitation)", () => {
  const read = localTimeReader("Europe/Berlin");
  assert.equal(iso(read("2026-10-25T01:55:00")), "2026-10-24T23:55:00.000Z");
  assert.equal(iso(read("2026-10-25T02:10:00")), "2026-10-25T00:10:00.000Z");
  // A fresh reader knows nothing earlier either: the first instant wins.
  const fresh = localTimeReader("Europe/Berlin");
  assert.equal(iso(fresh("2026-10-25T02:10:00")), "2026-10-25T00:10:00.000Z");
});

Deno.test("localTimeReader handles zones without DST and southern-hemisphere changes", () => {
  assert.equal(
    iso(localTimeReader("Asia/Kolkata")("2026-06-01T12:00:00")),
    "2026-06-01T06:30:00.000Z",
  );
  // Sydney springs forward at 02:00 on 2026-10-04: 02:30 does not exist, 03:00 is +11.
  const sydney = localTimeReader("Australia/Sydney");
  assert.equal(sydney("2026-10-04T02:30:00"), null);
  assert.equal(iso(sydney("2026-10-04T03:00:00")), "2026-10-03T16:00:00.000Z");
});

Deno.test("localTimeReader accepts minutes without seconds and rejects anything else", () => {
  const read = localTimeReader("UTC");
  assert.equal(iso(read("2026-01-01T10:05")), "2026-01-01T10:05:00.000Z");
  for (const bad of ["2026-01-01 10:05:00", "2026-01-01T10:05:00Z", "2026-13-01T00:00:00", ""]) {
    assert.equal(read(bad), null, bad);
  }
});
