/**
 * What a simulated GoodWe plant produced, from the shared deterministic PV curve: the ~5-minute
 * pac samples of a local day (each the average of the 5 minutes it ends), and the running totals
 * the monitor detail and the plant list report. An inverter reports only while awake, so a night
 * has no samples, and "now" is the last sample it uploaded.
 */
import { daySampleTimes, localDate, SAMPLE_MS } from "./goodwe_clock.ts";
import type { SimPlant } from "./goodwe.ts";
import { pvPowerW } from "./pv_curve.ts";

export interface PacSample {
  at: Date;
  /** Whole watts, as the app shows them. */
  pac: number;
}

export interface PlantState {
  /** When the inverter last reported; null when it has not been awake for two days. */
  lastReport: Date | null;
  awake: boolean;
  pacW: number;
  todayKwh: number;
  monthKwh: number;
  totalKwh: number;
}

// A typical yield: about 2.6 kWh per installed kW per day over a year in central Europe.
const DAILY_KWH_PER_KW = 2.6;
const COMMISSIONED = Date.parse("2021-01-01T00:00:00Z");

export function pacSamples(plant: SimPlant, date: string, now: Date): PacSample[] {
  const site = { siteId: plant.id, timeZone: plant.timeZone, peakPowerKw: plant.capacityKw };
  const samples: PacSample[] = [];
  for (const at of daySampleTimes(date, plant.timeZone)) {
    if (at.getTime() > now.getTime()) break;
    const power = pvPowerW(site, new Date(at.getTime() - SAMPLE_MS), { intervalMinutes: 5 });
    if (power !== null) samples.push({ at, pac: Math.round(power) });
  }
  return samples;
}

export function plantState(plant: SimPlant, now: Date): PlantState {
  const today = localDate(now, plant.timeZone);
  const samples = pacSamples(plant, today, now);
  const yesterday = localDate(new Date(now.getTime() - 86_400_000), plant.timeZone);
  const last = samples.at(-1) ?? pacSamples(plant, yesterday, now).at(-1);
  const awake = last !== undefined && now.getTime() - last.at.getTime() < 2 * SAMPLE_MS;
  const todayKwh = round(samples.reduce((sum, s) => sum + s.pac, 0) / 12 / 1000, 1);
  const days = Math.floor((Date.parse(`${today}T00:00:00Z`) - COMMISSIONED) / 86_400_000);
  const dayOfMonth = Number(today.slice(8, 10));
  return {
    lastReport: last?.at ?? null,
    awake,
    pacW: awake ? last!.pac : 0,
    todayKwh,
    monthKwh: round(plant.capacityKw * DAILY_KWH_PER_KW * (dayOfMonth - 1) + todayKwh, 1),
    totalKwh: round(plant.capacityKw * DAILY_KWH_PER_KW * Math.max(0, days) + todayKwh, 1),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
