/**
 * One device's `EnergyAndPowerPv` or `PowerAc` day set as SMA serves it (vendors.md §3.4 and
 * "Corrections, December 2026", SMA; captured fixtures):
 * plant-local wall times WITHOUT offset, five-minute interval ends from 00:05 to 00:00 of the next
 * day, so a spring-forward day has 23 hours of entries and a fall-back day 25, the repeated hour's
 * wall times appearing twice, earlier pass first. Intervals not yet ended are absent, and so are
 * the inverter's sleeping hours unless the plant reports zeros at night; around dawn and dusk it
 * reports zeros, as in the fixtures.
 * Values come from the deterministic PV curve, clipped at the inverter's `generatorPower`.
 * `EnergyAndPowerPv` carries `pvGeneration` only (no `pvPower`): Wh per interval with
 * `ReturnEnergyValues=true`, W without it. `PowerAc` carries `activePower` (W) with per-phase
 * `voltagePhaseA..C`, `currentPhaseA..C` and `gridFrequency`, at the same interval ends, as the
 * PowerAc captures do. The grid numbers (230 V, 50 Hz; 277 V, 60 Hz in American zones, one phase
 * carrying the voltage as in the captures) are the simulator's choice, not vendor facts.
 */
import { pvPowerW } from "./pv_curve.ts";
import type { SmaSimDevice } from "./sma.ts";
import { zonedTime } from "./zoned_time.ts";

export interface SetEntry {
  time: string;
  pvGeneration: number;
}

export interface PowerAcEntry {
  time: string;
  voltagePhaseA: number;
  voltagePhaseB: number;
  voltagePhaseC: number;
  currentPhaseA: number;
  currentPhaseB: number;
  currentPhaseC: number;
  activePower: number;
  gridFrequency: number;
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

/** The `EnergyAndPowerPv` set; `date` is `YYYY-MM-DD` in the plant's zone. */
export function daySet(
  device: SmaSimDevice,
  timeZone: string,
  date: string,
  options: DaySetOptions,
): SetEntry[] {
  const set = intervals(device, timeZone, date, options).map(({ time, watts }) => ({
    time,
    pvGeneration: Math.round(options.energy ? watts * STEP_MS / 3_600_000 : watts),
  }));
  if (options.spike && set.length > 0) set[0].pvGeneration = SPIKE_WH;
  return set;
}

/** The `PowerAc` set of the same intervals: AC output in W and the grid it feeds. */
export function powerAcSet(
  device: SmaSimDevice,
  timeZone: string,
  date: string,
  options: Omit<DaySetOptions, "energy" | "spike">,
): PowerAcEntry[] {
  const american = timeZone.startsWith("America/");
  const volts = american ? 277.5 : 230.2;
  const hertz = american ? 60 : 50;
  return intervals(device, timeZone, date, options).map(({ time, watts }, i) => {
    // Three phases share the current; the voltage shows on phase C only, as in the captures.
    const amps = round(watts / (3 * volts), 3);
    return {
      time,
      voltagePhaseA: 0,
      voltagePhaseB: 0,
      voltagePhaseC: round(volts + (i % 5) * 0.1, 3),
      currentPhaseA: amps,
      currentPhaseB: amps,
      currentPhaseC: amps,
      activePower: round(watts, 3),
      gridFrequency: round(hertz + ((i % 7) - 3) * 0.003, 3),
    };
  });
}

/** The day's interval ends that have passed and the device reports, with its mean AC power. */
function intervals(
  device: SmaSimDevice,
  timeZone: string,
  date: string,
  options: { now: number; nightZeros?: boolean },
): { time: string; watts: number }[] {
  const start = localMidnight(date, timeZone);
  const end = localMidnight(nextDate(date), timeZone);
  const site = { siteId: device.deviceId, timeZone, peakPowerKw: device.peakPowerKw };
  const out: { time: string; watts: number }[] = [];
  for (let t = start + STEP_MS; t <= end && t <= options.now; t += STEP_MS) {
    const watts = pvPowerW(site, new Date(t - STEP_MS), { intervalMinutes: 5 }) ??
      (options.nightZeros ? 0 : null);
    if (watts === null) continue;
    out.push({ time: wallTime(t, timeZone), watts: Math.min(watts, device.generatorPowerW) });
  }
  return out;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
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
