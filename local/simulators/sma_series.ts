/**
 * One device's `EnergyAndPowerPv` day set as SMA serves it (vendors.md §3.4, captured fixtures):
 * plant-local wall times WITHOUT offset, five-minute interval ends from 00:05 to 00:00 of the next
 * day, so a spring-forward day has 23 hours of entries and a fall-back day 25, the repeated hour's
 * wall times appearing twice, earlier pass first. Intervals not yet ended are absent, and so are
 * the inverter's sleeping hours unless the plant reports zeros at night; around dawn and dusk it
 * reports zeros, as in the fixtures.
 * Values come from the deterministic PV curve, clipped at the inverter's `generatorPower`.
 */
import { pvPowerW } from "./pv_curve.ts";
import type { SmaSimDevice } from "./sma.ts";
import { zonedTime } from "./zoned_time.ts";

export interface SetEntry {
  time: string;
  pvGeneration: number;
}

export interface DaySetOptions {
  now: number;
  /** `ReturnEnergyValues=true`: Wh per interval; otherwise the average power in W (assumed). */
  energy: boolean;
  /** The spike fault: the first entry claims what SolarNetwork saw once (vendors.md §3.6). */
  spike?: boolean;
  /** Zeros for the sleeping hours instead of no entries. */
  nightZeros?: boolean;
}

export const SPIKE_WH = 1_024_843;
const STEP_MS = 5 * 60_000;

/** `date` is `YYYY-MM-DD` in the plant's zone. */
export function daySet(
  device: SmaSimDevice,
  timeZone: string,
  date: string,
  options: DaySetOptions,
): SetEntry[] {
  const start = localMidnight(date, timeZone);
  const end = localMidnight(nextDate(date), timeZone);
  const site = { siteId: device.deviceId, timeZone, peakPowerKw: device.peakPowerKw };
  const set: SetEntry[] = [];
  for (let t = start + STEP_MS; t <= end && t <= options.now; t += STEP_MS) {
    const watts = pvPowerW(site, new Date(t - STEP_MS), { intervalMinutes: 5 }) ??
      (options.nightZeros ? 0 : null);
    if (watts === null) continue;
    const clipped = Math.min(watts, device.generatorPowerW);
    set.push({
      time: wallTime(t, timeZone),
      pvGeneration: Math.round(options.energy ? clipped * STEP_MS / 3_600_000 : clipped),
    });
  }
  if (options.spike && set.length > 0) set[0].pvGeneration = SPIKE_WH;
  return set;
}

/**
 * The instant the local date begins. Two passes settle the offset when it changes overnight; the
 * first guess uses the offset an hour before naive midnight, so a change at 00:00 itself (as in
 * some South American zones) still lands on the first instant of the day.
 */
function localMidnight(date: string, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`);
  let guess = naive - zonedTime(new Date(naive - 3_600_000), timeZone).offsetMinutes * 60_000;
  guess = naive - zonedTime(new Date(guess - 1), timeZone).offsetMinutes * 60_000;
  return guess;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function wallTime(ms: number, timeZone: string): string {
  const t = zonedTime(new Date(ms), timeZone);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}
