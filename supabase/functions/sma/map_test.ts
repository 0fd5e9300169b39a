import assert from "node:assert/strict";
import { BadRecordError } from "../../../shared/errors.ts";
import { SPIKE_TOLERANCE, toReadings } from "./map.ts";

const testdata = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url)));

const sharedDir = new URL("../../../../shared/fixtures/vendors/sma/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();
const capture = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`sma-device-data-Day-${name}.json`, sharedDir)));
const fixture = (n: string) => capture(`EnergyAndPowerPv-ReturnEnergyValues-${n}`);

function assertFiveMinuteSteps(ts: string[]) {
  for (let i = 1; i < ts.length; i++) {
    assert.equal(Date.parse(ts[i]) - Date.parse(ts[i - 1]), 300_000, `${ts[i - 1]} -> ${ts[i]}`);
  }
}

Deno.test("toReadings maps a Berlin spring-forward day to 23 hours of distinct UTC ends", () => {
  const body = testdata("day_berlin_spring.json");
  const { readings, dropped } = toReadings(body);
  assert.equal(dropped, 0);
  assert.equal(readings.length, 23 * 12);
  const ts = readings.map((r) => r.ts);
  // 00:05 CET on the 29th is 23:05Z on the 28th; the day ends at 00:00 CEST = 22:00Z.
  assert.equal(ts[0], "2026-03-28T23:05:00.000Z");
  assert.equal(ts.at(-1), "2026-03-29T22:00:00.000Z");
  assertFiveMinuteSteps(ts);
  // Across the gap: 01:55 CET is 00:55Z and the next stamp, 03:00 CEST, is 01:00Z.
  const at = (time: string) =>
    readings[body.set.findIndex((e: { time: string }) => e.time === time)];
  assert.equal(at("2026-03-29T01:55:00").ts, "2026-03-29T00:55:00.000Z");
  assert.equal(at("2026-03-29T03:00:00").ts, "2026-03-29T01:00:00.000Z");
  assert.ok(readings.every((r) => r.metric === "energy_wh" && r.device === "3001"));
});

Deno.test("toReadings reads the repeated autumn hour's first pass as summer time", () => {
  const body = testdata("day_berlin_autumn.json");
  const { readings, dropped } = toReadings(body);
  assert.equal(dropped, 0);
  assert.equal(readings.length, 25 * 12);
  const ts = readings.map((r) => r.ts);
  assert.equal(new Set(ts).size, ts.length);
  assert.equal(ts[0], "2026-10-24T22:05:00.000Z");
  assert.equal(ts.at(-1), "2026-10-25T23:00:00.000Z");
  assertFiveMinuteSteps(ts);
  const passes = body.set
    .map((e: { time: string }, i: number) => ({ time: e.time, i }))
    .filter((e: { time: string }) => e.time === "2026-10-25T02:30:00");
  assert.equal(passes.length, 2);
  // Readings come back sorted by time, which here is also the set's order.
  assert.equal(readings[passes[0].i].ts, "2026-10-25T00:30:00.000Z");
  assert.equal(readings[passes[1].i].ts, "2026-10-25T01:30:00.000Z");
});

Deno.test("toReadings maps pvGeneration to energy_wh and drops the entries without one", () => {
  const { readings, dropped, spikes, unreadable } = toReadings(
    testdata("day_new_york_energy.json"),
  );
  // Ten entries, two without pvGeneration (SMA omits the property rather than sending null).
  assert.equal(dropped, 2);
  assert.equal(spikes.length, 0);
  assert.deepEqual(unreadable, []);
  assert.equal(readings.length, 8);
  assert.ok(readings.every((r) => r.metric === "energy_wh" && r.device === "9101"));
  assert.deepEqual(readings.find((r) => r.ts === "2026-06-10T10:00:00.000Z"), {
    ts: "2026-06-10T10:00:00.000Z",
    metric: "energy_wh",
    value: 9,
    device: "9101",
  });
  // 05:50 EDT had no value: no reading at all, not a zero.
  assert.ok(!readings.some((r) => r.ts === "2026-06-10T09:50:00.000Z"));
});

Deno.test("toReadings maps PowerAc activePower to power_w at the same interval ends", () => {
  const body = testdata("day_new_york_power_ac.json");
  const { readings, dropped, unreadable } = toReadings(body);
  assert.equal(dropped, 1);
  assert.deepEqual(unreadable, []);
  assert.equal(readings.length, 9);
  assert.ok(readings.every((r) => r.metric === "power_w" && r.device === "9101"));
  assert.deepEqual(readings.find((r) => r.ts === "2026-06-10T10:00:00.000Z"), {
    ts: "2026-06-10T10:00:00.000Z",
    metric: "power_w",
    value: 112,
    device: "9101",
  });
  // Voltage, current and frequency stay in the raw response: one reading per entry.
  assert.ok(!readings.some((r) => r.ts === "2026-06-10T09:50:00.000Z"));
});

Deno.test("pvGeneration without ReturnEnergyValues is W: the caller says so", () => {
  const body = testdata("day_new_york_energy.json");
  const { readings } = toReadings(body, { pvGeneration: "power_w" });
  assert.equal(readings.length, 8);
  assert.ok(readings.every((r) => r.metric === "power_w"));
  assert.throws(
    () => toReadings({ ...body, setType: "PowerDc" }),
    /Cannot read SMA PowerDc response: set type PowerDc is not mapped/,
  );
  assert.equal(toReadings({ ...body, setType: undefined }, { setType: "PowerAc" }).dropped, 10);
});

Deno.test("toReadings keeps a spike without capacity and drops it with one", () => {
  const body = testdata("day_new_york_energy.json");
  const first = "2026-06-10T09:35:00.000Z";
  const unguarded = toReadings(body);
  assert.equal(unguarded.readings.find((r) => r.ts === first)?.value, 1024843);

  const guarded = toReadings(body, { capacityW: 5000 });
  assert.deepEqual(guarded.spikes, [
    { ts: first, metric: "energy_wh", value: 1024843, device: "9101" },
  ]);
  assert.equal(guarded.dropped, unguarded.dropped + 1);
  assert.equal(guarded.readings.length, unguarded.readings.length - 1);
  assert.ok(!guarded.readings.some((r) => r.ts === first));
  // 430 Wh in 5 minutes is 5.16 kW on a 5 kW inverter: inside the tolerance, so kept.
  assert.ok(guarded.readings.some((r) => r.value === 430));

  // On a 3 kW inverter the same 430 Wh cannot be true, nor can PowerAc's 5160 W.
  const small = toReadings(body, { capacityW: 3000 });
  assert.deepEqual(small.spikes.map((s) => `${s.metric}=${s.value}`), [
    "energy_wh=1024843",
    "energy_wh=430",
  ]);
  assert.equal(small.dropped, unguarded.dropped + 2);
  const ac = toReadings(testdata("day_new_york_power_ac.json"), { capacityW: 3000 });
  assert.deepEqual(ac.spikes.map((s) => `${s.metric}=${s.value}`), ["power_w=5160"]);
  assert.equal(
    toReadings(testdata("day_new_york_power_ac.json"), { capacityW: 5000 }).spikes.length,
    0,
  );
});

Deno.test("the spike limit scales with the resolution and includes the tolerance", () => {
  const body = (resolution: string, value: number) => ({
    plant: { timezone: "UTC" },
    resolution,
    set: [{ time: "2026-06-10T12:00:00", pvGeneration: value }],
  });
  const limit15 = 4000 * 0.25 * SPIKE_TOLERANCE;
  assert.equal(toReadings(body("FifteenMinutes", limit15), { capacityW: 4000 }).spikes.length, 0);
  assert.equal(
    toReadings(body("FifteenMinutes", limit15 + 1), { capacityW: 4000 }).spikes.length,
    1,
  );
  assert.equal(toReadings(body("FiveMinutes", limit15), { capacityW: 4000 }).spikes.length, 1);
});

Deno.test("toReadings keeps and counts only interval ends inside the window", () => {
  const body = testdata("day_new_york_energy.json");
  const window = { from: new Date("2026-06-10T09:45:00Z"), to: new Date("2026-06-10T10:05:00Z") };
  const { readings, dropped, spikes } = toReadings(body, { capacityW: 5000, window });
  // 09:50 and 09:55 have no pvGeneration (dropped); 10:00 and 10:05 have one.
  assert.deepEqual(readings.map((r) => r.ts.slice(11, 16)), ["10:00", "10:05"]);
  assert.equal(dropped, 2);
  assert.equal(spikes.length, 0);
});

Deno.test("unreadable times and values are reported apart from genuine gaps", () => {
  const { readings, dropped, unreadable } = toReadings({
    plant: { timezone: "Europe/Berlin" },
    set: [
      { time: "2026-03-29T01:55:00", pvGeneration: 0 },
      { time: "2026-03-29T02:30:00", pvGeneration: 0 },
      { time: "2026-02-30T10:00:00", pvGeneration: 5 },
      { time: "29.03.2026 12:00", pvGeneration: 5 },
      { pvGeneration: 5 },
      { time: "2026-03-29T12:00:00", pvGeneration: -3 },
      { time: "2026-03-29T12:05:00", pvGeneration: "12" },
      { time: "2026-03-29T12:07:00", pvGeneration: null },
      { time: "2026-03-29T12:10", pvGeneration: 7 },
    ],
  });
  // The negative value and the null are gaps; the rest could not be read at all.
  assert.equal(dropped, 2);
  assert.deepEqual(unreadable, [
    // 02:30 does not exist in Berlin that night (spring gap), 30 February never does.
    { field: "set[].time", count: 4, sample: '"2026-03-29T02:30:00"' },
    { field: "set[].pvGeneration", count: 1, sample: '"12"' },
  ]);
  assert.deepEqual(readings.map((r) => [r.ts, r.value]), [
    ["2026-03-29T00:55:00.000Z", 0],
    ["2026-03-29T10:10:00.000Z", 7],
  ]);
});

Deno.test("a set whose times are all unreadable yields no reading and says why", () => {
  const body = testdata("day_new_york_power_ac.json");
  const broken = {
    ...body,
    set: body.set.map((e: { time: string }) => ({ ...e, time: e.time.replace("T", " ") })),
  };
  const { readings, dropped, unreadable } = toReadings(broken);
  assert.equal(readings.length, 0);
  assert.equal(dropped, 0);
  assert.deepEqual(unreadable, [
    { field: "set[].time", count: 10, sample: '"2026-06-10 05:35:00"' },
  ]);
});

Deno.test("toReadings uses the site's zone only when the response has none", () => {
  const set = [{ time: "2026-07-01T12:00:00", pvGeneration: 100 }];
  const fallback = toReadings({ set }, { timeZone: "America/New_York" });
  assert.equal(fallback.readings[0].ts, "2026-07-01T16:00:00.000Z");
  const own = toReadings({ plant: { timezone: "Europe/Berlin" }, set }, {
    timeZone: "America/New_York",
  });
  assert.equal(own.readings[0].ts, "2026-07-01T10:00:00.000Z");
  assert.equal(own.readings[0].device, undefined);
});

Deno.test("toReadings rejects a body without set, zone or a known resolution", () => {
  assert.throws(() => toReadings(null), BadRecordError);
  assert.throws(() => toReadings({ plant: { timezone: "UTC" } }), /set is missing/);
  assert.throws(() => toReadings({ set: [] }), /time zone undefined/);
  assert.throws(() => toReadings({ plant: { timezone: "Mars/Olympus" }, set: [] }), BadRecordError);
  assert.throws(
    () => toReadings({ plant: { timezone: "UTC" }, resolution: "OneDay", set: [] }),
    /resolution OneDay/,
  );
});

Deno.test({
  name: "toReadings maps the real SMA day sets in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  fn() {
    const whole = toReadings(fixture("01"));
    assert.equal(whole.readings.length, 79);
    assert.equal(whole.dropped, 0);
    // 2025-03-28 is daylight time in New York (EDT, -04:00): 06:50 local ends at 10:50Z.
    assert.equal(whole.readings[0].ts, "2025-03-28T10:50:00.000Z");
    assert.equal(whole.readings.at(-1)!.ts, "2025-03-28T17:20:00.000Z");
    assert.ok(whole.readings.every((r) => r.metric === "energy_wh" && r.device === "11260000"));
    // The capture split in two halves maps to the same readings as the whole.
    const halves = [...toReadings(fixture("04a")).readings, ...toReadings(fixture("04b")).readings];
    assert.deepEqual(halves, whole.readings);
    // -02 and -03 are the same values moved by one and two days.
    assert.equal(toReadings(fixture("03")).readings[0].ts, "2025-03-30T10:50:00.000Z");
    // The best interval, 512 Wh, is 6.1 kW: fine for 6 kW with tolerance, a spike for 5 kW.
    assert.equal(toReadings(fixture("01"), { capacityW: 6000 }).spikes.length, 0);
    assert.deepEqual(
      toReadings(fixture("02"), { capacityW: 5000 }).spikes.map((s) => s.value),
      [512],
    );
  },
});

Deno.test({
  name: "toReadings maps the real SMA PowerAc day sets in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  fn() {
    const raw = capture("PowerAc-01");
    const whole = toReadings(raw);
    assert.equal(whole.readings.length, raw.set.length);
    assert.equal(whole.dropped, 0);
    assert.deepEqual(whole.unreadable, []);
    assert.ok(whole.readings.every((r) => r.metric === "power_w" && r.device === "11260000"));
    // Each reading is the entry's activePower, at its plant-local time read in New York (EDT).
    assert.deepEqual(
      whole.readings.map((r) => r.value),
      raw.set.map((e: { activePower: number }) => e.activePower),
    );
    assert.equal(whole.readings[0].ts, "2025-03-28T10:50:00.000Z");
    assert.equal(whole.readings.at(-1)!.ts, "2025-03-28T17:20:00.000Z");
    // Same interval ends as the EnergyAndPowerPv capture of that day.
    assert.deepEqual(
      whole.readings.map((r) => r.ts),
      toReadings(fixture("01")).readings.map((r) => r.ts),
    );
    const halves = [
      ...toReadings(capture("PowerAc-04a")).readings,
      ...toReadings(capture("PowerAc-04b")).readings,
    ];
    assert.deepEqual(halves, whole.readings);
  },
});
