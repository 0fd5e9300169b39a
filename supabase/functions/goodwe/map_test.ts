import assert from "node:assert/strict";
import { toReadings } from "./map.ts";
import { BadRecordError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";

const AMS = { timeZone: "Europe/Amsterdam" };

const testdata = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url)));

const sharedDir = new URL("../../../../shared/fixtures/vendors/goodwe/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

const find = (readings: Reading[], metric: string, device?: string) =>
  readings.filter((r) => r.metric === metric && r.device === device);

Deno.test("toReadings maps a pac curve through the autumn DST change to distinct UTC instants", () => {
  const { readings, dropped } = toReadings(testdata("pac_by_day_dst.json"), "pac_by_day", AMS);
  assert.equal(dropped, 0);
  // 25 hours of 5-minute samples: 00:00 CEST (22:00Z the day before) to 23:55 CET (22:55Z).
  assert.equal(readings.length, 300);
  assert.equal(readings[0].ts, "2026-10-24T22:00:00.000Z");
  assert.equal(readings.at(-1)!.ts, "2026-10-25T22:55:00.000Z");
  for (let i = 1; i < readings.length; i++) {
    assert.equal(Date.parse(readings[i].ts) - Date.parse(readings[i - 1].ts), 300_000);
  }
  // The first 02:00 is summer time (00:00Z), the second winter time (01:00Z).
  const twice = readings.filter((r) => ["00:00", "01:00"].includes(r.ts.slice(11, 16)));
  assert.deepEqual(twice.map((r) => r.ts), [
    "2026-10-25T00:00:00.000Z",
    "2026-10-25T01:00:00.000Z",
  ]);
  assert.ok(readings.every((r) => r.metric === "power_w" && r.device === undefined));
  assert.ok(readings.some((r) => r.value > 2500));
});

Deno.test("toReadings reads the envelope and its bare data alike", () => {
  const body = testdata("pac_by_day_dst.json");
  assert.deepEqual(toReadings(body.data, "pac_by_day", AMS), toReadings(body, "pac_by_day", AMS));
  const detail = testdata("monitor_detail.json");
  assert.deepEqual(
    toReadings(detail.data, "monitor_detail", AMS),
    toReadings(detail, "monitor_detail", AMS),
  );
});

Deno.test("toReadings reads dd/MM/yyyy pacs when told, and drops a null pac", () => {
  const body = testdata("pac_by_day_ddmm.json");
  const { readings, dropped } = toReadings(body, "pac_by_day", {
    ...AMS,
    dateFormat: "dd/MM/yyyy",
  });
  assert.equal(dropped, 1);
  assert.equal(readings.length, 12);
  // 05/03/2026 11:00 in dd/MM is 5 March, CET: 10:00Z.
  assert.deepEqual(readings[0], { ts: "2026-03-05T10:00:00.000Z", metric: "power_w", value: 1800 });
  assert.equal(readings.at(-1)!.ts, "2026-03-05T11:00:00.000Z");
  // Read as MM/dd the same text is 3 May, summer time: another instant entirely.
  const wrong = toReadings(body, "pac_by_day", AMS);
  assert.equal(wrong.readings[0].ts, "2026-05-03T09:00:00.000Z");
});

Deno.test("toReadings lists unreadable pac dates and values apart from gaps, never zeroing them", () => {
  const { readings, dropped, unreadable } = toReadings(
    {
      pacs: [
        { date: "06/01/2026 12:00:00", pac: 100 },
        { date: "31/31/2026 12:05:00", pac: 100 },
        { date: "06/01/2026 12:10:00", pac: "n/a" },
        { date: "06/01/2026 12: 15: 00", pac: "1.2(kW)" },
        { date: "06/01/2026 12:20:00", pac: null },
        null,
      ],
    },
    "pac_by_day",
    AMS,
  );
  assert.equal(dropped, 2);
  assert.deepEqual(unreadable, [
    { field: "pacs[].date", count: 1, sample: '"31/31/2026 12:05:00"' },
    { field: "pacs[].pac", count: 1, sample: '"n/a"' },
  ]);
  assert.deepEqual(readings.map((r) => [r.ts, r.value]), [
    ["2026-06-01T10:00:00.000Z", 100],
    ["2026-06-01T10:15:00.000Z", 1200],
  ]);
});

Deno.test("toReadings reads a pac curve of dotted, spaced times on the day it was asked for", () => {
  const body = testdata("pac_by_day_dotted.json");
  const asked = toReadings(body, "pac_by_day", { ...AMS, day: "2026-04-03" });
  assert.equal(asked.unreadable.length, 0);
  assert.equal(asked.readings.length, 6);
  // 03.04.2026 10: 00: 00 on 3 April, CEST: 08:00Z.
  assert.equal(asked.readings[0].ts, "2026-04-03T08:00:00.000Z");
  // Without the day, `.` is day first as well; a month-first account says so in date_format.
  assert.deepEqual(toReadings(body, "pac_by_day", AMS).readings, asked.readings);
  const monthFirst = toReadings(body, "pac_by_day", { ...AMS, dateFormat: "MM.dd.yyyy" });
  assert.equal(monthFirst.readings[0].ts, "2026-03-04T09:00:00.000Z");
});

Deno.test("toReadings maps the monitor detail's inverters, powerflow and statistics", () => {
  const { readings, dropped, sentinels } = toReadings(
    testdata("monitor_detail.json"),
    "monitor_detail",
    AMS,
  );
  const roof = "GW05000SN0000001";
  const shed = "GW03000SN0000002";
  // Each inverter at its own last report, in CET; plant values at the latest report.
  const at = "2026-03-05T11:05:00.000Z";
  assert.deepEqual(find(readings, "power_w", roof), [{
    ts: at,
    metric: "power_w",
    value: 2337,
    device: roof,
  }]);
  assert.equal(find(readings, "energy_today_wh", roof)[0].value, 6400);
  assert.equal(find(readings, "energy_total_wh", roof)[0].value, 12345600);
  assert.equal(find(readings, "temperature_c", roof)[0].value, 38.5);
  assert.equal(find(readings, "ac_voltage_l1_v", roof)[0].value, 231.2);
  assert.equal(find(readings, "ac_current_l1_a", roof)[0].value, 10.1);
  assert.equal(find(readings, "ac_frequency_l1_hz", roof)[0].value, 50.01);
  assert.deepEqual(
    readings.filter((r) => r.device === roof && r.metric.startsWith("pv_")).map((r) => r.value),
    [3.4, 3.3, 352.1, 349.8],
  );
  assert.equal(find(readings, "energy_total_wh", shed)[0].ts, "2026-03-04T16:45:12.000Z");
  assert.equal(find(readings, "energy_total_wh", shed)[0].value, 8765400);
  assert.deepEqual(
    readings.filter((r) => r.device === undefined).map((r) => [r.ts, r.metric, r.value]),
    [
      [at, "battery_power_w", -1500],
      [at, "energy_export_today_wh", 3100],
      [at, "energy_import_today_wh", 1200],
      [at, "load_power_w", 820],
      [at, "pv_power_w", 2337],
    ],
  );
  assert.equal(readings.length, 23);
  // Roof: ten missing phases and inputs; shed: a 6554 V PV input, a null current, 0 °C offline.
  assert.equal(sentinels, 11);
  assert.equal(dropped, 13);
  const electrical = readings.filter((r) => /_(v|a|hz)$/.test(r.metric));
  assert.ok(electrical.every((r) => r.value < 6553 && r.value !== 655.35));
  assert.equal(find(readings, "temperature_c", shed).length, 0);
  assert.equal(find(readings, "ac_voltage_l2_v", roof).length, 0);
});

Deno.test("toReadings reads plant statistics only when the plant has a meter", () => {
  const body = testdata("monitor_detail.json");
  body.data.hasEnergeStatisticsCharts = false;
  body.data.powerflow = null;
  const { readings } = toReadings(body, "monitor_detail", AMS);
  assert.equal(readings.filter((r) => r.device === undefined).length, 0);
});

Deno.test("toReadings stamps a detail by d.last_refresh_time in date_format, then info.time", () => {
  const body = testdata("monitor_detail.json");
  for (const inverter of body.data.inverter) delete inverter.last_refresh_time;
  const roof = "GW05000SN0000001";
  // d.last_refresh_time 05/03/2026 12:05:00 follows date_format dd/MM/yyyy: 5 March.
  const byD = toReadings(body, "monitor_detail", AMS).readings;
  assert.ok(byD.filter((r) => r.device === roof).every((r) => r.ts === "2026-03-05T11:05:00.000Z"));
  for (const inverter of body.data.inverter) delete inverter.d?.last_refresh_time;
  const { readings, unreadable } = toReadings(body, "monitor_detail", AMS);
  // info.date_format says dd/MM/yyyy, but info.time 03/05/2026 is 5 March as in the captures.
  assert.ok(readings.every((r) => r.ts === "2026-03-05T11:07:41.000Z"));
  assert.deepEqual(unreadable, []);
});

Deno.test("toReadings names unreadable detail times and values, and reads the rest", () => {
  const body = testdata("monitor_detail.json");
  body.data.info.time = "yesterday";
  for (const inverter of body.data.inverter) {
    inverter.last_refresh_time = "12/25/2026 25:00:00";
    delete inverter.d?.last_refresh_time;
  }
  body.data.powerflow.load = "a lot(W)";
  const { readings, unreadable } = toReadings(body, "monitor_detail", AMS);
  assert.deepEqual(readings, []);
  assert.deepEqual(unreadable.map((f) => [f.field, f.count, f.sample]), [
    ["info.time", 1, '"yesterday"'],
    ["inverter[].last_refresh_time", 2, '"12/25/2026 25:00:00"'],
    ["powerflow.load", 1, '"a lot(W)"'],
  ]);
});

Deno.test("toReadings reads a SEMS+ detail with spaced times, dotted dates and a half-hour zone", () => {
  const body = testdata("monitor_detail_spaced.json");
  const zone = { timeZone: "Asia/Kolkata" };
  const { readings, unreadable } = toReadings(body, "monitor_detail", zone);
  assert.deepEqual(unreadable, []);
  // last_refresh_time "04/03/2026 11: 02: 36" is month first: 3 April, 11:02:36 IST = 05:32:36Z.
  const sn = "GW06000SN00000IN";
  assert.ok(find(readings, "power_w", sn).every((r) => r.ts === "2026-04-03T05:32:36.000Z"));
  assert.equal(find(readings, "power_w", sn)[0].value, 2710);
  // The second inverter has only its d.last_refresh_time "03.04.2026 11: 01: 10" (dd.MM.yyyy).
  const second = "GW06000SN00000IO";
  assert.ok(find(readings, "power_w", second).every((r) => r.ts === "2026-04-03T05:31:10.000Z"));
  // powerflow.pv "" is an offline plant's gap, not an unreadable value.
  assert.equal(find(readings, "pv_power_w").length, 0);
});

Deno.test("toReadings answers no readings for an empty detail and rejects error envelopes", () => {
  assert.deepEqual(toReadings({ code: "0", hasError: false, data: {} }, "monitor_detail", AMS), {
    readings: [],
    dropped: 0,
    sentinels: 0,
    unreadable: [],
  });
  assert.throws(
    () =>
      toReadings(
        { hasError: true, code: 100002, msg: "The authorization has expired." },
        "pac_by_day",
        AMS,
      ),
    (e: unknown) =>
      e instanceof BadRecordError && /code 100002, "The authorization has expired"/.test(e.message),
  );
  assert.throws(() => toReadings({ code: 0, data: null }, "pac_by_day", AMS), /data is missing/);
  assert.throws(() => toReadings({ code: 0, data: {} }, "pac_by_day", AMS), /data.pacs is missing/);
  assert.throws(() => toReadings([], "monitor_detail", AMS), /expected a JSON object/);
});

Deno.test({
  name: "toReadings maps the real monitor details in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  fn() {
    const read = (file: string) => JSON.parse(Deno.readTextFileSync(new URL(file, sharedDir)));
    const sn = "GW0000SN000TEST1";
    const offline = toReadings(read("20260110_singleInverter_getData.json"), "monitor_detail", AMS);
    // Last report 01/10/2026 15:52:38 is 10 January (file name), CET: 14:52:38Z.
    assert.ok(
      offline.readings.every((r) => r.ts === "2026-01-10T14:52:38.000Z" && r.device === sn),
    );
    assert.equal(find(offline.readings, "energy_total_wh", sn)[0].value, 19248500);
    assert.equal(find(offline.readings, "power_w", sn)[0].value, 0);
    assert.equal(find(offline.readings, "temperature_c", sn).length, 0);
    assert.equal(offline.sentinels, 0);
    const mock = toReadings(read("mock_get_data_response.json"), "monitor_detail", AMS);
    // No refresh time: info.time 09/08/2025 16:48:27 is 8 September (its forecast date), CEST.
    assert.deepEqual(
      mock.readings.map((r) => [r.ts, r.metric, r.value]),
      [
        ["2025-09-08T14:48:27.000Z", "energy_today_wh", 8900],
        ["2025-09-08T14:48:27.000Z", "energy_total_wh", 18843200],
        ["2025-09-08T14:48:27.000Z", "power_w", 589],
        ["2025-09-08T14:48:27.000Z", "temperature_c", 32],
      ],
    );
  },
});
