/**
 * `GetMonitorDetailByPowerstationId` snapshot to readings: a small set a fleet operator needs
 * besides the pac curve. Per inverter (`device` = serial number): `power_w` (out_pac),
 * `energy_today_wh` (eday, kWh), `energy_total_wh` (etotal, kWh), `temperature_c` (tempperature),
 * and from `d`: `ac_voltage_l{1-3}_v`, `ac_current_l{1-3}_a`, `ac_frequency_l{1-3}_hz`,
 * `pv_voltage_{1-4}_v`, `pv_current_{1-4}_a`. Per plant: `pv_power_w`, `load_power_w` and
 * `battery_power_w` from `powerflow`, and `energy_import_today_wh`/`energy_export_today_wh` from
 * `energeStatisticsCharts` when the plant has a meter. GoodWe's spellings (`tempperature`,
 * `bettery`, `betteryStatus`, `energeStatisticsCharts`) are its API, read literally.
 *
 * Each inverter's values are stamped with its `last_refresh_time`, when it last reported; plant
 * values with the latest of those. `info.time` is only the fallback: it is the server clock at the
 * request, after the end of any window being fetched, so stamping with it would put every snapshot
 * outside the window. Both fixtures print these times MM/dd/yyyy whatever `date_format` says.
 */
import { zonedToUtc } from "../../../shared/time.ts";
import type { Reading } from "../../../shared/types.ts";
import { parseSemsDate } from "./dates.ts";
import type { MapOptions, Mapped } from "./map.ts";
import { type BaseUnit, quantity, roundValue } from "./units.ts";

interface Field {
  key: string;
  metric: string;
  base: BaseUnit;
  /** Scale of a bare number: 1000 for kWh fields read as Wh. */
  bareScale?: number;
  sentinel?: (value: number) => boolean;
  /** An offline inverter reports 0 °C; the SEMS Home Assistant integration treats it as empty. */
  zeroIsEmpty?: boolean;
}

// "No reading" markers for a phase or string that does not exist (const.py; gw2pvo ignores PV
// voltages from 6553 V up).
const isAcSentinel = (v: number) => Math.abs(v - 6553.5) < 1e-6;
const isHzSentinel = (v: number) => Math.abs(v - 655.35) < 1e-6;
const isPvVoltageSentinel = (v: number) => v >= 6553;

const INVERTER: Field[] = [
  { key: "out_pac", metric: "power_w", base: "W" },
  { key: "eday", metric: "energy_today_wh", base: "Wh", bareScale: 1000 },
  { key: "etotal", metric: "energy_total_wh", base: "Wh", bareScale: 1000 },
  { key: "tempperature", metric: "temperature_c", base: "°C", zeroIsEmpty: true },
];

const INVERTER_D: Field[] = [
  ...[1, 2, 3].flatMap((n): Field[] => [
    { key: `vac${n}`, metric: `ac_voltage_l${n}_v`, base: "V", sentinel: isAcSentinel },
    { key: `iac${n}`, metric: `ac_current_l${n}_a`, base: "A", sentinel: isAcSentinel },
    { key: `fac${n}`, metric: `ac_frequency_l${n}_hz`, base: "Hz", sentinel: isHzSentinel },
  ]),
  ...[1, 2, 3, 4].flatMap((n): Field[] => [
    { key: `vpv${n}`, metric: `pv_voltage_${n}_v`, base: "V", sentinel: isPvVoltageSentinel },
    { key: `ipv${n}`, metric: `pv_current_${n}_a`, base: "A", sentinel: isAcSentinel },
  ]),
];

const POWERFLOW: Field[] = [
  { key: "pv", metric: "pv_power_w", base: "W" },
  { key: "load", metric: "load_power_w", base: "W" },
  { key: "bettery", metric: "battery_power_w", base: "W" },
];

const STATISTICS: Field[] = [
  { key: "buy", metric: "energy_import_today_wh", base: "Wh", bareScale: 1000 },
  { key: "sell", metric: "energy_export_today_wh", base: "Wh", bareScale: 1000 },
];

type Json = Record<string, unknown>;

export function detailReadings(data: Json, options: MapOptions): Mapped {
  const out: Mapped = { readings: [], dropped: 0, sentinels: 0 };
  const instant = (local: string | null) =>
    local === null ? null : zonedToUtc(local, options.timeZone).getTime();
  const infoTime = instant(parseSemsDate(object(data.info).time));
  const inverters = Array.isArray(data.inverter) ? data.inverter.map(object) : [];
  let latest: number | null = null;
  for (const inverter of inverters) {
    const at = instant(parseSemsDate(inverter.last_refresh_time)) ?? infoTime;
    if (at !== null && (latest === null || at > latest)) latest = at;
    const device = typeof inverter.sn === "string" && inverter.sn !== "" ? inverter.sn : undefined;
    // Without a serial number two inverters' values would land on one series: not stored.
    const stamp = device === undefined ? null : at;
    emit(out, stamp, device, inverter, INVERTER);
    emit(out, stamp, device, object(inverter.d), INVERTER_D);
  }
  const plantAt = latest ?? infoTime;
  const flow = object(data.powerflow);
  emit(out, plantAt, undefined, { ...flow, bettery: signedBattery(flow) }, POWERFLOW);
  if (data.hasEnergeStatisticsCharts === true) {
    emit(out, plantAt, undefined, object(data.energeStatisticsCharts), STATISTICS);
  }
  out.readings.sort((a, b) => a.ts.localeCompare(b.ts) || a.metric.localeCompare(b.metric));
  return out;
}

function emit(
  out: Mapped,
  at: number | null,
  device: string | undefined,
  source: Json,
  fields: Field[],
) {
  for (const field of fields) {
    if (!(field.key in source) || source[field.key] === undefined) continue;
    const value = quantity(source[field.key], field.base, field.bareScale);
    if (value !== null && field.sentinel?.(value)) {
      out.sentinels++;
      out.dropped++;
      continue;
    }
    if (at === null || value === null || (field.zeroIsEmpty && value === 0)) {
      out.dropped++;
      continue;
    }
    const reading: Reading = {
      ts: new Date(at).toISOString(),
      metric: field.metric,
      value: roundValue(value),
    };
    if (device !== undefined) reading.device = device;
    out.readings.push(reading);
  }
}

/**
 * `bettery` is a magnitude; `betteryStatus` (-1, 0 or 1) gives its direction, applied as the SEMS
 * Home Assistant integration applies it. GoodWe does not document which sign means charging.
 */
function signedBattery(flow: Json): unknown {
  const status = flow.betteryStatus;
  if (!("bettery" in flow)) return undefined;
  const value = quantity(flow.bettery, "W");
  if (value === null || typeof status !== "number" || ![-1, 0, 1].includes(status)) {
    return flow.bettery;
  }
  return value * status || 0;
}

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Json : {};
}
