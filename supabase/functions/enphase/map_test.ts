import assert from "node:assert/strict";
import { toReadings } from "./map.ts";
import { BadRecordError } from "../../../shared/errors.ts";

const testdata = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url)));

const sharedDir = new URL("../../../../shared/fixtures/vendors/enphase/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();
const shared = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, sharedDir)));

Deno.test("toReadings stamps micro intervals with end_at in UTC as power_w and energy_wh", () => {
  const { readings } = toReadings(testdata("production_micro_day.json"), "production_micro");
  // 1781039700 is 07:15 in Sydney on 2026-06-10 (AEST, +10:00).
  const at = readings.filter((r) => r.ts === "2026-06-09T21:15:00.000Z");
  assert.deepEqual(at, [
    { ts: "2026-06-09T21:15:00.000Z", metric: "energy_wh", value: 3 },
    { ts: "2026-06-09T21:15:00.000Z", metric: "power_w", value: 36 },
  ]);
  assert.ok(readings.every((r) => r.device === undefined && r.ts.endsWith("Z")));
  const powerTs = readings.filter((r) => r.metric === "power_w").map((r) => Date.parse(r.ts));
  assert.deepEqual(powerTs, [...powerTs].sort((a, b) => a - b));
  assert.ok(powerTs.every((t) => t % 300_000 === 0));
});

Deno.test("toReadings drops null and missing micro values instead of zeroing them", () => {
  const body = testdata("production_micro_day.json");
  const { readings, dropped } = toReadings(body, "production_micro");
  // One interval has powr and enwh null (nobody reported yet), another lacks enwh.
  assert.equal(dropped, 3);
  assert.equal(readings.length, body.intervals.length * 2 - 3);
  assert.ok(!readings.some((r) => r.ts === "2026-06-09T21:35:00.000Z"));
  const partial = readings.filter((r) => r.ts === "2026-06-09T21:40:00.000Z");
  assert.deepEqual(partial.map((r) => [r.metric, r.value]), [["power_w", 468]]);
  // Zeros at dawn are real readings, not gaps.
  assert.equal(readings.filter((r) => r.value === 0).length, 4);
});

Deno.test("toReadings maps meter wh_del to energy_wh with the production_meter device", () => {
  const { readings, dropped } = toReadings(
    testdata("production_meter_day.json"),
    "production_meter",
  );
  // Two negative standby readings before dawn and one null are dropped.
  assert.equal(dropped, 3);
  assert.deepEqual(readings.map((r) => r.value), [0, 7, 41, 66, 121]);
  assert.ok(readings.every((r) => r.metric === "energy_wh" && r.device === "production_meter"));
  // The first kept interval ends at 07:15 Sydney time.
  assert.equal(readings[0].ts, "2026-06-09T21:15:00.000Z");
});

Deno.test("toReadings treats empty intervals as no readings, not an error", () => {
  for (const kind of ["production_micro", "production_meter"] as const) {
    const mapped = toReadings(testdata("production_micro_empty.json"), kind);
    assert.deepEqual(mapped, { readings: [], dropped: 0, unreadable: [] });
  }
});

Deno.test("toReadings keeps the later value for a repeated end_at and reports a bad end_at", () => {
  const { readings, dropped, unreadable } = toReadings({
    intervals: [
      { end_at: 1781040000, wh_del: 10 },
      { end_at: 1781040000, wh_del: 12 },
      { end_at: "1781040900", wh_del: 5 },
      { wh_del: 5 },
    ],
  }, "production_meter");
  assert.deepEqual(readings.map((r) => r.value), [12]);
  assert.equal(dropped, 0);
  assert.deepEqual(unreadable, [{ field: "intervals[].end_at", count: 2, sample: '"1781040900"' }]);
});

Deno.test("toReadings reports values that are not numbers apart from null gaps", () => {
  const { readings, dropped, unreadable } = toReadings({
    intervals: [
      { end_at: 1781040000, powr: "36 W", enwh: null },
      { end_at: 1781040300, powr: 40, enwh: { wh: 3 } },
      { end_at: 1781040600, powr: 44 },
    ],
  }, "production_micro");
  assert.deepEqual(readings.map((r) => [r.metric, r.value]), [["power_w", 40], ["power_w", 44]]);
  // enwh null and missing are genuine gaps; a string and an object are unreadable.
  assert.equal(dropped, 2);
  assert.deepEqual(unreadable, [
    { field: "intervals[].powr", count: 1, sample: '"36 W"' },
    { field: "intervals[].enwh", count: 1, sample: '{"wh":3}' },
  ]);
});

Deno.test("toReadings rejects a body without an intervals list", () => {
  assert.throws(() => toReadings(null, "production_micro"), BadRecordError);
  assert.throws(
    () => toReadings({ message: "Not Authorized" }, "production_meter"),
    /Cannot read Enphase production_meter response: intervals is missing/,
  );
});

Deno.test({
  name: "toReadings maps the real Enphase responses in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  fn() {
    const micro = shared("enphase-system-telemetry-inverter-01.json");
    const mapped = toReadings(micro, "production_micro");
    assert.equal(mapped.dropped, 0);
    assert.equal(mapped.readings.length, micro.intervals.length * 2);
    // end_at 1738421700 is 2025-02-01T14:55:00Z.
    assert.deepEqual(mapped.readings.slice(0, 2), [
      { ts: "2025-02-01T14:55:00.000Z", metric: "energy_wh", value: 62 },
      { ts: "2025-02-01T14:55:00.000Z", metric: "power_w", value: 744 },
    ]);
    const examples = shared("openapi_examples.json");
    const meter = examples["GET /api/v4/systems/{system_id}/telemetry/production_meter"]["200"];
    const energy = toReadings(meter, "production_meter");
    assert.equal(energy.readings.length + energy.dropped, meter.intervals.length);
    assert.ok(energy.readings.every((r) => r.device === "production_meter" && r.value === 40));
  },
});
