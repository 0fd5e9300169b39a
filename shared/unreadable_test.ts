import assert from "node:assert/strict";
import { BadRecordError } from "./errors.ts";
import { emptySiteData } from "./site_data.ts";
import { assertReadable, UnreadableValues } from "./unreadable.ts";

Deno.test("UnreadableValues counts per field and keeps the first sample", () => {
  const u = new UnreadableValues();
  u.note("values[].timestamp", "10: 15: 00");
  u.note("values[].timestamp", "bad");
  u.note("values[].value", { x: 1 });
  assert.equal(u.count, 3);
  assert.deepEqual(u.list(), [
    { field: "values[].timestamp", count: 2, sample: '"10: 15: 00"' },
    { field: "values[].value", count: 1, sample: '{"x":1}' },
  ]);
});

Deno.test("UnreadableValues merges the fields of several responses", () => {
  const a = new UnreadableValues();
  a.note("time", "x");
  const b = new UnreadableValues();
  b.note("time", "y");
  b.note("pac", "z");
  a.merge(b.list());
  assert.deepEqual(a.list().map((f) => [f.field, f.count, f.sample]), [
    ["time", 2, '"x"'],
    ["pac", 1, '"z"'],
  ]);
});

Deno.test("assertReadable refuses a window where nothing could be read, naming field and sample", () => {
  const data = {
    ...emptySiteData(),
    unreadable: [{ field: "set[].time", count: 96, sample: '"28.03.2025 06: 50"' }],
  };
  assert.throws(
    () => assertReadable("SMA device 16 PowerAc", data),
    (e: unknown) =>
      e instanceof BadRecordError &&
      e.message ===
        'Cannot read any value of SMA device 16 PowerAc: set[].time (96 unreadable, e.g. "28.03.2025 06: 50")',
  );
});

Deno.test("assertReadable lets a genuinely empty window (night, offline plant) pass", () => {
  assertReadable("x", emptySiteData());
  assertReadable("x", { ...emptySiteData(), dropped: 40, unreadable: [] });
});

Deno.test("assertReadable lets a window with some readings pass despite unreadable values", () => {
  const data = {
    ...emptySiteData(),
    readings: [{ ts: "2026-06-01T10:15:00.000Z", metric: "power_w", value: 1 }],
    unreadable: [{ field: "t", count: 1, sample: '"?"' }],
  };
  assertReadable("x", data);
});

Deno.test("UnreadableValues shortens long samples", () => {
  const u = new UnreadableValues();
  u.note("f", "x".repeat(200));
  assert.equal(u.list()[0].sample.length, 60);
});
