import assert from "node:assert/strict";
import { instantsInOrder, localDays } from "./instants.ts";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

Deno.test("localDays lists the plant-local dates of the instants in (from, to]", () => {
  const window = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
  // 22:00Z is local midnight in Amsterdam (CEST): the excluded start does not add 24 October.
  assert.deepEqual(
    localDays(window("2026-10-24T22:00:00Z", "2026-10-25T22:00:00Z"), "Europe/Amsterdam"),
    ["2026-10-25"],
  );
  assert.deepEqual(
    localDays(window("2026-10-25T12:00:00Z", "2026-10-26T12:00:00Z"), "Europe/Amsterdam"),
    ["2026-10-25", "2026-10-26"],
  );
  // 10:00Z is 22:00 in Auckland (NZST, +12).
  assert.deepEqual(
    localDays(window("2026-06-30T10:00:00Z", "2026-07-01T10:00:00Z"), "Pacific/Auckland"),
    ["2026-06-30", "2026-07-01"],
  );
});

Deno.test("instantsInOrder gives a repeated wall-clock hour its summer, then winter instant", () => {
  const locals = ["2026-10-25T01:55:00", "2026-10-25T02:00:00", "2026-10-25T02:55:00"];
  const twice = [...locals, "2026-10-25T02:00:00", "2026-10-25T03:00:00"];
  assert.deepEqual(instantsInOrder(twice, "Europe/Amsterdam").map(iso), [
    "2026-10-24T23:55:00.000Z",
    "2026-10-25T00:00:00.000Z",
    "2026-10-25T00:55:00.000Z",
    "2026-10-25T01:00:00.000Z",
    "2026-10-25T02:00:00.000Z",
  ]);
  // A lone sample in the repeated hour is read as its first occurrence.
  assert.deepEqual(instantsInOrder(["2026-10-25T02:30:00"], "Europe/Amsterdam").map(iso), [
    "2026-10-25T00:30:00.000Z",
  ]);
});

Deno.test("instantsInOrder keeps nulls and reads the spring gap and other zones", () => {
  assert.deepEqual(
    instantsInOrder([null, "2026-03-29T01:55:00", "2026-03-29T03:00:00"], "Europe/Amsterdam")
      .map(iso),
    [null, "2026-03-29T00:55:00.000Z", "2026-03-29T01:00:00.000Z"],
  );
  // New York falls back at 02:00 EDT on 1 November 2026: 01:30 happens twice.
  assert.deepEqual(
    instantsInOrder(["2026-11-01T01:30:00", "2026-11-01T01:30:00"], "America/New_York").map(iso),
    ["2026-11-01T05:30:00.000Z", "2026-11-01T06:30:00.000Z"],
  );
  assert.deepEqual(instantsInOrder(["2026-03-29T02:30:00"], "Europe/Amsterdam").map(iso), [
    "2026-03-29T01:30:00.000Z",
  ]);
});
