import assert from "node:assert/strict";
import { emptySiteData, inWindow } from "./site_data.ts";

Deno.test("inWindow keeps interval ends in (from, to]", () => {
  const window = { from: new Date("2026-06-01T10:00:00Z"), to: new Date("2026-06-01T11:00:00Z") };
  assert.equal(inWindow("2026-06-01T10:00:00.000Z", window), false);
  assert.equal(inWindow("2026-06-01T10:15:00.000Z", window), true);
  assert.equal(inWindow("2026-06-01T11:00:00.000Z", window), true);
  assert.equal(inWindow("2026-06-01T11:05:00.000Z", window), false);
});

Deno.test("emptySiteData gives a fresh result each time", () => {
  const a = emptySiteData();
  a.readings.push({ ts: "x", metric: "power_w", value: 1 });
  assert.deepEqual(emptySiteData().readings, []);
});
