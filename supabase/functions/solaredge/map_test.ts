import assert from "node:assert/strict";
import { toReadings } from "./map.ts";
import { BadRecordError } from "../../../shared/errors.ts";

const testdata = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url)));

const sharedDir = new URL("../../../../shared/fixtures/vendors/solaredge-v2/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("toReadings stamps each quarter hour with its UTC end, through the DST fall-back", () => {
  const { readings } = toReadings(testdata("power_quarter_hour.json"), "power");
  const ts = readings.map((r) => r.ts);
  assert.equal(new Set(ts).size, ts.length);
  assert.ok(ts.every((t) => t.endsWith("Z")));
  // 07:00 local on 2026-10-25 is after the change to WET (+00:00): the first zero ends 07:15Z.
  assert.equal(readings[0].ts, "2026-10-25T07:15:00.000Z");
  assert.equal(readings[0].value, 0);
  for (let i = 1; i < ts.length; i++) {
    assert.equal(Date.parse(ts[i]) - Date.parse(ts[i - 1]), 900_000);
  }
});

Deno.test("toReadings drops null intervals instead of zeroing them", () => {
  const body = testdata("power_quarter_hour.json");
  const nulls = body.values.filter((v: { value: unknown }) => v.value === null).length;
  const { readings, dropped } = toReadings(body, "power");
  assert.equal(dropped, nulls);
  assert.equal(readings.length, body.values.length - nulls);
  assert.ok(nulls > 0);
});

Deno.test("toReadings maps energy in WH to energy_wh and keeps values", () => {
  const { readings } = toReadings(testdata("energy_quarter_hour.json"), "energy");
  assert.ok(readings.length > 0);
  assert.ok(readings.every((r) => r.metric === "energy_wh" && r.value >= 0));
  const noon = readings.find((r) => r.ts === "2026-10-25T12:00:00.000Z");
  assert.ok(noon && noon.value > 500);
});

Deno.test("toReadings converts kW and kWh and drops negative energy", () => {
  const power = toReadings({
    unit: "kW",
    resolution: "QUARTER_HOUR",
    values: [{ timestamp: "2026-06-01T12:00:00+02:00", value: 1.5 }],
  }, "power");
  assert.deepEqual(power.readings, [{
    ts: "2026-06-01T10:15:00.000Z",
    metric: "power_w",
    value: 1500,
  }]);
  const energy = toReadings({
    unit: "KWH",
    values: [
      { timestamp: "2026-06-01T12:00:00+02:00", value: -0.2 },
      { timestamp: "2026-06-01T12:15:00+02:00", value: 0.25 },
    ],
  }, "energy");
  assert.equal(energy.dropped, 1);
  assert.deepEqual(energy.readings.map((r) => r.value), [250]);
});

Deno.test("toReadings reads a bare local timestamp only with a time zone", () => {
  const body = { unit: "W", values: [{ timestamp: "2026-03-29 03:00:00", value: 10 }] };
  const unzoned = toReadings(body, "power");
  assert.deepEqual(unzoned.readings, []);
  assert.deepEqual(unzoned.unreadable, [
    { field: "values[].timestamp", count: 1, sample: '"2026-03-29 03:00:00"' },
  ]);
  const { readings } = toReadings(body, "power", { timeZone: "Europe/Berlin" });
  assert.equal(readings[0].ts, "2026-03-29T01:15:00.000Z");
});

Deno.test("toReadings reads every unit the API answers in: KW, KWH and GWH", () => {
  const power = toReadings(testdata("power_kw_quarter_hour.json"), "power");
  assert.deepEqual(power.readings.map((r) => [r.ts, r.value]), [
    ["2026-06-01T10:15:00.000Z", 41250],
    ["2026-06-01T10:30:00.000Z", 40500],
    ["2026-06-01T11:00:00.000Z", 39750],
  ]);
  assert.equal(power.dropped, 1);
  const kwh = toReadings(testdata("energy_kwh_quarter_hour.json"), "energy");
  assert.deepEqual(kwh.readings.map((r) => r.value), [10312.5, 10125]);
  const gwh = toReadings(testdata("energy_gwh_quarter_hour.json"), "energy");
  assert.deepEqual(gwh.readings.map((r) => r.value), [1_200_000, 1_150_000]);
  const mw = toReadings(
    { unit: "MW", values: [{ timestamp: "2026-06-01T12:00:00Z", value: 1.5 }] },
    "power",
  );
  assert.equal(mw.readings[0].value, 1_500_000);
  assert.throws(() => toReadings({ unit: "GW", values: [] }, "power"), /unexpected unit GW/);
});

Deno.test("toReadings notes unreadable timestamps and values apart from night nulls", () => {
  const night = toReadings(testdata("power_night.json"), "power");
  assert.deepEqual([night.readings, night.dropped, night.unreadable], [[], 4, []]);
  const garbled = toReadings(testdata("power_unreadable.json"), "power");
  assert.deepEqual(garbled.readings, []);
  assert.deepEqual(garbled.unreadable, [
    { field: "values[].timestamp", count: 2, sample: '"01/06/2026 12:00"' },
  ]);
  const text = toReadings({
    unit: "W",
    values: [
      { timestamp: "2026-06-01T12:00:00+02:00", value: "4 kW" },
      { timestamp: "2026-06-01T12:15:00+02:00", value: 4000 },
    ],
  }, "power");
  assert.equal(text.readings.length, 1);
  assert.deepEqual(text.unreadable, [{ field: "values[].value", count: 1, sample: '"4 kW"' }]);
});

Deno.test("toReadings rejects a body without values and an energy unit on power", () => {
  assert.throws(() => toReadings({ error: "x" }, "power"), BadRecordError);
  assert.throws(() => toReadings({ unit: "WH", values: [] }, "power"), /unexpected unit WH/);
  assert.throws(() => toReadings(null, "energy"), /values is missing/);
});

Deno.test({
  name: "toReadings maps the real V2 responses in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  fn() {
    for (
      const [file, series] of [["power_quarter_hour.json", "power"], [
        "energy_quarter_hour.json",
        "energy",
      ]] as const
    ) {
      const body = JSON.parse(Deno.readTextFileSync(new URL(file, sharedDir)));
      const { readings, dropped, unreadable } = toReadings(body, series);
      assert.equal(readings.length + dropped, body.values.length);
      assert.deepEqual(unreadable, []);
      assert.ok(readings.length > 20);
      // 2026-08-24 is summer time in the fixture (+01:00): 06:00 local ends at 05:15Z.
      assert.equal(readings[0].ts, "2026-08-24T05:15:00.000Z");
      assert.ok(readings.every((r) => Number.isFinite(r.value) && r.ts.endsWith("Z")));
    }
  },
});
