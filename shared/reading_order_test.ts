import assert from "node:assert/strict";
import { compareReadings, compareText } from "./reading_order.ts";

Deno.test("readings sort by instant, then metric, by code unit", () => {
  const r = (ts: string, metric: string) => ({ ts, metric, value: 1 });
  const sorted = [
    r("2026-06-01T10:15:00.000Z", "power_w"),
    r("2026-06-01T10:00:00.000Z", "power_w"),
    r("2026-06-01T10:00:00.000Z", "energy_wh"),
    r("2025-12-31T23:45:00.000Z", "power_w"),
  ].sort(compareReadings);
  assert.deepEqual(sorted.map((x) => `${x.ts} ${x.metric}`), [
    "2025-12-31T23:45:00.000Z power_w",
    "2026-06-01T10:00:00.000Z energy_wh",
    "2026-06-01T10:00:00.000Z power_w",
    "2026-06-01T10:15:00.000Z power_w",
  ]);
  // Upper case sorts before lower case, unlike a locale's collation.
  assert.equal(compareText("B", "a"), -1);
  assert.equal(compareText("a", "a"), 0);
});
