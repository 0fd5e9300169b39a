/**
 * `v2|v3/PowerStation/GetMonitorDetailByPowerstationId`: the plant snapshot, shaped like the two
 * captured answers (fixtures/vendors/goodwe) including GoodWe's spellings (`tempperature`,
 * `bettery`, `betteryStatus`, `homKit`, `energeStatisticsCharts`), unit-suffixed `powerflow`
 * strings, and the "no reading" sentinels 6553.5 (V, A) and 655.35 (Hz) on the AC phases and PV
 * inputs an inverter does not have. As in every capture, `info.time` and the inverters'
 * `last_refresh_time` are MM/dd/yyyy whatever the account's `date_format`; `d.last_refresh_time`
 * follows the account's format, separator included (`09.05.2026` under `MM.dd.yyyy` in
 * 20260905_getData_hk1000.json), and a `spaced` account prints `17: 06: 27` everywhere
 * (20250623_homekit_getData.json). `time_span` is minus the UTC offset in hours, fractional for
 * half-hour zones (vendors.md "Corrections, December 2026").
 */
import type { SimAccount, SimPlant } from "./goodwe.ts";
import { formatSemsTime, type SimDateFormat, type SimTimeStyle } from "./goodwe_clock.ts";
import { type PlantState, plantState } from "./goodwe_production.ts";
import { zonedTime } from "./zoned_time.ts";

const AC_EMPTY = 6553.5;
const FREQUENCY_EMPTY = 655.35;

export function monitorDetail(account: SimAccount, plant: SimPlant, now: Date) {
  const state = plantState(plant, now);
  const tz = plant.timeZone;
  const format: SimDateFormat = account.dateFormat ?? "MM/dd/yyyy";
  const style = account.timeStyle ?? "plain";
  const reported = state.lastReport ?? now;
  const loadW = Math.round(350 + 300 * wobble(`${plant.id}@${Math.floor(now.getTime() / 3e5)}`));
  const hours = zonedTime(now, tz).hour + zonedTime(now, tz).minute / 60;
  const consumption = round(hours * 0.45, 2);
  const selfUse = round(Math.min(state.todayKwh, consumption * 0.4), 2);
  return {
    info: {
      powerstation_id: plant.id,
      time: formatSemsTime(now, tz, "MM/dd/yyyy", style),
      date_format: format,
      date_format_ym: format.includes("yyyy-") ? "yyyy-MM" : "MM/yyyy",
      stationname: plant.name,
      capacity: plant.capacityKw,
      powerstation_type: "Residential",
      status: state.awake ? 1 : -1,
      is_stored: false,
      is_powerflow: true,
      charts_type: 4,
      has_pv: true,
      // Hours behind UTC, the sign of getTimezoneOffset: -1 for a Dutch plant in January.
      time_span: -zonedTime(now, tz).offsetMinutes / 60,
      org_code: "GW000000",
      org_name: "Goodwe",
    },
    kpi: {
      month_generation: state.monthKwh,
      pac: state.pacW,
      power: state.todayKwh,
      total_power: state.totalKwh,
      day_income: round(state.todayKwh * 0.22, 2),
      total_income: round(state.totalKwh * 0.22, 2),
      yield_rate: 0.22,
      currency: "EUR",
    },
    inverter: [inverter(plant, state, { format, style }, reported)],
    homKit: { homeKitLimit: false, sn: null },
    hasPowerflow: true,
    powerflow: {
      pv: watts(state.pacW),
      pvStatus: state.awake ? 1 : 0,
      bettery: "0(W)",
      betteryStatus: 0,
      load: watts(loadW),
      loadStatus: 1,
      grid: watts(Math.abs(state.pacW - loadW)),
      gridStatus: state.pacW >= loadW ? 1 : -1,
      soc: 0,
      socText: "0%",
    },
    hasEnergeStatisticsCharts: true,
    energeStatisticsCharts: {
      sum: state.todayKwh,
      buy: round(consumption - selfUse, 2),
      sell: round(state.todayKwh - selfUse, 2),
      selfUseOfPv: selfUse,
      consumptionOfLoad: consumption,
      hasPv: true,
      hasCharge: false,
    },
    soc: { power: 0, status: 0 },
  };
}

function inverter(
  plant: SimPlant,
  state: PlantState,
  printed: { format: SimDateFormat; style: SimTimeStyle },
  reported: Date,
) {
  const tz = plant.timeZone;
  const phases = plant.capacityKw > 6 ? 3 : 1;
  const hz = tz.startsWith("America/") ? 60 : 50;
  const on = state.awake;
  const vac = (n: number) => (on ? round(229 + 4 * wobble(`${plant.id}vac${n}`), 1) : 0);
  const d: Record<string, number | string> = {
    pw_id: plant.id,
    last_refresh_time: formatSemsTime(reported, tz, printed.format, printed.style),
    pac: state.pacW,
    eDay: state.todayKwh,
    eTotal: state.totalKwh,
  };
  for (let n = 1; n <= 3; n++) {
    const has = n <= phases;
    d[`vac${n}`] = has ? vac(n) : AC_EMPTY;
    d[`iac${n}`] = has ? (on ? round(state.pacW / phases / vac(n), 1) : 0) : AC_EMPTY;
    d[`fac${n}`] = has
      ? (on ? round(hz - 0.03 + 0.06 * wobble(`${plant.id}f`), 2) : 0)
      : FREQUENCY_EMPTY;
  }
  for (let n = 1; n <= 4; n++) {
    // Two MPPT inputs in use; the other two report the sentinel.
    const vpv = on ? round(310 + 80 * wobble(`${plant.id}vpv${n}`), 1) : 0;
    d[`vpv${n}`] = n <= 2 ? vpv : AC_EMPTY;
    d[`ipv${n}`] = n <= 2 ? (on ? round(state.pacW / 2 / vpv, 1) : 0) : AC_EMPTY;
  }
  return {
    sn: serialNumber(plant),
    name: plant.name,
    type: `GW${Math.round(plant.capacityKw * 1000)}-${phases === 3 ? "DT" : "NS"}`,
    capacity: plant.capacityKw,
    status: on ? 1 : -1,
    out_pac: state.pacW,
    eday: state.todayKwh,
    emonth: state.monthKwh,
    etotal: state.totalKwh,
    tempperature: on ? round(28 + 12 * (state.pacW / (plant.capacityKw * 1000)), 1) : 0,
    time: formatSemsTime(reported, tz, "MM/dd/yyyy", printed.style),
    last_refresh_time: formatSemsTime(reported, tz, "MM/dd/yyyy", printed.style),
    d,
  };
}

/** A 16-character serial like the captures' `GW0000SN000TEST1`, stable per plant. */
export function serialNumber(plant: SimPlant): string {
  const tail = plant.id.replaceAll("-", "").slice(-8).toUpperCase().padStart(8, "0");
  return `GW${String(Math.round(plant.capacityKw * 1000)).padStart(5, "0")}S${tail}`.slice(0, 16);
}

/** `"2337(W)"`, or kW with two decimals from 10 kW, as the app prints large plants. */
export function watts(w: number): string {
  return w >= 10_000 ? `${(w / 1000).toFixed(2)}(kW)` : `${Math.round(w)}(W)`;
}

function wobble(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
