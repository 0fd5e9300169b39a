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
 * Each inverter's values are stamped with when it last reported: its `last_refresh_time` (month
 * first in every capture, whatever `date_format` says), else `invert_full.last_time` (epoch ms),
 * else `d.last_refresh_time` (in the account's `date_format`); plant values with the latest of
 * those. `info.time` is only the fallback: it is the server clock at the request, after the end of
 * any window being fetched, so stamping with it would put every snapshot outside the window. A
 * time or value that is present but unreadable is listed in `unreadable` by its field path.
 */
import { zonedToUtc } from "../../../shared/time.ts";
import type { Reading } from "../../../shared/types.ts";
import { UnreadableValues } from "../../../shared/unreadable.ts";
import { parseSemsDate } from "./dates.ts";
import type { MapOptions, Mapped } from "./map.ts";
import { type BaseUnit, isEmptyValue, quantity, roundValue } from "./units.ts";
import { compareReadings } from "../../../shared/reading_order.ts";

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
  const out: Mapped = { readings: [], dropped: 0, sentinels: 0, unreadable: [] };
  const unreadable = new UnreadableValues();
  const info = object(data.info);
  const dateFormat = typeof info.date_format === "string" ? info.date_format : undefined;
  /** The UTC ms of a plant-local text, noting it as unreadable when it is there but unparseable. */
  const instant = (field: string, text: unknown, canonical: boolean) => {
    if (isEmptyValue(text)) return null;
    const local = parseSemsDate(text, { canonical, dateFormat });
    if (local === null) {
      unreadable.note(field, text);
      return null;
    }
    return zonedToUtc(local, options.timeZone).getTime();
  };
  const infoTime = instant("info.time", info.time, true);
  const inverters = Array.isArray(data.inverter) ? data.inverter.map(object) : [];
  let latest: number | null = null;
  for (const inverter of inverters) {
    const at = instant("inverter[].last_refresh_time", inverter.last_refresh_time, true) ??
      epochMs(object(inverter.invert_full).last_time) ??
      instant("inverter[].d.last_refresh_time", object(inverter.d).last_refresh_time, false) ??
      infoTime;
    if (at !== null && (latest === null || at > latest)) latest = at;
    const device = typeof inverter.sn === "string" && inverter.sn !== "" ? inverter.sn : undefined;
    const emitAt = (source: Json, fields: Field[], prefix: string) =>
      emit(out, unreadable, { at, device, prefix }, source, fields);
    emitAt(inverter, INVERTER, "inverter[].");
    emitAt(object(inverter.d), INVERTER_D, "inverter[].d.");
  }
  const plant = { at: latest ?? infoTime, device: undefined };
  const flow = object(data.powerflow);
  emit(out, unreadable, { ...plant, prefix: "powerflow." }, {
    ...flow,
    bettery: signedBattery(flow),
  }, POWERFLOW);
  if (data.hasEnergeStatisticsCharts === true) {
    emit(
      out,
      unreadable,
      { ...plant, prefix: "energeStatisticsCharts." },
      object(data.energeStatisticsCharts),
      STATISTICS,
    );
  }
  out.readings.sort(compareReadings);
  out.unreadable = unreadable.list();
  return out;
}

interface Stamp {
  /** UTC ms; null when no time of the values could be read (noted as unreadable already). */
  at: number | null;
  device: string | undefined;
  /** The field path prefix unreadable values are named by, e.g. `inverter[].d.`. */
  prefix: string;
}

function emit(
  out: Mapped,
  unreadable: UnreadableValues,
  stamp: Stamp,
  source: Json,
  fields: Field[],
) {
  for (const field of fields) {
    if (!(field.key in source) || source[field.key] === undefined) continue;
    const raw = source[field.key];
    if (isEmptyValue(raw)) {
      out.dropped++;
      continue;
    }
    const value = quantity(raw, field.base, field.bareScale);
    if (value === null) {
      unreadable.note(`${stamp.prefix}${field.key}`, raw);
      continue;
    }
    if (field.sentinel?.(value)) {
      out.sentinels++;
      out.dropped++;
      continue;
    }
    // Without a serial number two inverters' values would land on one series: not stored.
    const anonymous = stamp.prefix.startsWith("inverter") && stamp.device === undefined;
    if (anonymous || (field.zeroIsEmpty && value === 0)) {
      out.dropped++;
      continue;
    }
    if (stamp.at === null) continue;
    const reading: Reading = {
      ts: new Date(stamp.at).toISOString(),
      metric: field.metric,
      value: roundValue(value),
    };
    if (stamp.device !== undefined) reading.device = stamp.device;
    out.readings.push(reading);
  }
}

/**
 * `invert_full.last_time`: epoch ms of the inverter's last report, the same instant as its
 * `last_refresh_time` in both captures that have it (20260110: 1768056758134 = 14:52:38Z =
 * 15:52:38 CET), whole seconds kept as the texts have them.
 */
function epochMs(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 1e12 || value > 1e14) {
    return null;
  }
  return Math.floor(value / 1000) * 1000;
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
