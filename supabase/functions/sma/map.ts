/**
 * SMA device day sets to canonical readings. Pure: no fetch, no env. Two sets are mapped
 * (vendors.md "Corrections, December 2026", SMA, which overrides §3):
 * - `PowerAc`: `activePower`, W, becomes power_w. Its per-phase voltage and current and
 *   `gridFrequency` stay in the raw response only.
 * - `EnergyAndPowerPv`: its only value is `pvGeneration` (there is no `pvPower`). It is Wh in the
 *   interval with `ReturnEnergyValues=true` and W without it. The body does not say which, so the
 *   caller does (`pvGeneration`); energy_wh is the default because that is what the adapter asks
 *   for and what every capture holds.
 * `set[].time` is the plant-local wall clock without offset at the END of each interval (00:05 to
 * 00:00 of the next day), read in `plant.timezone` (vendors.md §3.4; DST rules in
 * local_time_reader.ts). SMA omits a property it has no value for instead of sending null: a
 * missing or null value is a genuine gap, dropped and counted. A time or value that is there but
 * cannot be read (not a local time, not a number) is reported in `unreadable` instead, so a set
 * nobody can read fails the window rather than passing as a quiet night (shared/unreadable.ts).
 *
 * Spike guard (vendors.md §3.6: the first interval after a device comes online can claim e.g.
 * 1,024,843 Wh): with `capacityW` (the device's `generatorPower`), a value above what the inverter
 * can deliver (power, or energy for the interval's length), plus SPIKE_TOLERANCE, is dropped,
 * counted and returned in `spikes`, never stored as a reading.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { isTimeZone } from "../../../shared/time.ts";
import type { Reading, Window } from "../../../shared/types.ts";
import {
  assertReadable,
  type UnreadableField,
  UnreadableValues,
} from "../../../shared/unreadable.ts";
import { localTimeReader } from "./local_time_reader.ts";
import { inWindow } from "../../../shared/site_data.ts";
import { compareText } from "../../../shared/reading_order.ts";

export type SetType = "EnergyAndPowerPv" | "PowerAc";

interface DaySet {
  plant?: { timezone?: unknown };
  device?: { deviceId?: unknown };
  setType?: unknown;
  resolution?: unknown;
  set?: Array<Record<string, unknown>>;
}

export interface MapOptions {
  /** The device's `generatorPower` (W); the spike guard applies only when it is given. */
  capacityW?: number;
  /** The site's zone, used only when the response carries no `plant.timezone`. */
  timeZone?: string;
  /** Keep (and count drops and spikes) only for interval ends in (from, to]. */
  window?: Window;
  /** The set type when the body names none; default EnergyAndPowerPv. */
  setType?: SetType;
  /** What `pvGeneration` is: energy_wh (`ReturnEnergyValues=true`, default) or power_w. */
  pvGeneration?: "energy_wh" | "power_w";
}

export interface MappedDay {
  readings: Reading[];
  /** Genuine gaps and implausible values not stored: missing, null, negative, or spikes. */
  dropped: number;
  /** The dropped implausible values, for the operator's log; part of `dropped`. */
  spikes: Reading[];
  /** Times and values present but unreadable; not part of `dropped`. */
  unreadable: UnreadableField[];
}

/**
 * 20 % over nameplate: inverters may run about 10 % above their rated AC power for a while, and
 * the interval boundaries of SMA's energy counter jitter by seconds. Real spikes are thousands of
 * times the limit, so the margin costs nothing in detection.
 */
export const SPIKE_TOLERANCE = 1.2;

const RESOLUTION_MINUTES: Record<string, number> = {
  OneMinute: 1,
  FiveMinutes: 5,
  FifteenMinutes: 15,
  OneHour: 60,
};

/** The property each set carries its value in. */
const VALUE_FIELD: Record<SetType, string> = {
  EnergyAndPowerPv: "pvGeneration",
  PowerAc: "activePower",
};

export function toReadings(body: unknown, options: MapOptions = {}): MappedDay {
  const b = body as DaySet | null;
  const setType = typeof b?.setType === "string" ? b.setType : options.setType ??
    "EnergyAndPowerPv";
  const what = `SMA ${setType} response`;
  if (!b || typeof b !== "object" || !Array.isArray(b.set)) {
    throw new BadRecordError(`Cannot read ${what}: set is missing`);
  }
  if (!Object.hasOwn(VALUE_FIELD, setType)) {
    throw new BadRecordError(`Cannot read ${what}: set type ${setType} is not mapped`);
  }
  const field = VALUE_FIELD[setType as SetType];
  const metric = setType === "PowerAc" ? "power_w" : options.pvGeneration ?? "energy_wh";
  const zone = typeof b.plant?.timezone === "string" ? b.plant.timezone : options.timeZone;
  if (!zone || !isTimeZone(zone)) {
    throw new BadRecordError(`Cannot read ${what}: time zone ${zone}`);
  }
  const minutes = RESOLUTION_MINUTES[String(b.resolution ?? "FiveMinutes")];
  if (minutes === undefined) {
    throw new BadRecordError(`Cannot read ${what}: resolution ${b.resolution}`);
  }
  const deviceId = b.device?.deviceId;
  const device = typeof deviceId === "string" || typeof deviceId === "number"
    ? { device: String(deviceId) }
    : {};
  const capacity = options.capacityW && options.capacityW > 0 ? options.capacityW : undefined;
  const limit = capacity === undefined
    ? Infinity
    : (metric === "energy_wh" ? capacity * (minutes / 60) : capacity) * SPIKE_TOLERANCE;
  const read = localTimeReader(zone);
  const unreadable = new UnreadableValues();
  const byTs = new Map<string, Reading>();
  const out: MappedDay = { readings: [], dropped: 0, spikes: [], unreadable: [] };
  for (const entry of b.set) {
    const time = entry?.time;
    const t = typeof time === "string" ? read(time) : null;
    if (t === null) {
      unreadable.note("set[].time", time);
      continue;
    }
    const ts = new Date(t).toISOString();
    if (options.window && !inWindow(ts, options.window)) continue;
    const value = entry[field];
    if (value === undefined || value === null) {
      out.dropped++;
      continue;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      unreadable.note(`set[].${field}`, value);
      continue;
    }
    const reading = { ts, metric, value, ...device };
    if (value < 0) {
      out.dropped++;
    } else if (value > limit) {
      out.spikes.push(reading);
      out.dropped++;
    } else {
      byTs.set(ts, reading);
    }
  }
  out.readings = [...byTs.values()].sort((x, y) => compareText(x.ts, y.ts));
  out.unreadable = unreadable.list();
  return out;
}

/**
 * `toReadings` for a day set read on its own (the normalize CLI): a set with values of which not
 * one could be read is a BadRecordError naming the field and a sample, not an empty result.
 */
export function toReadableReadings(body: unknown, options: MapOptions = {}): MappedDay {
  const mapped = toReadings(body, options);
  const setType = (body as { setType?: unknown }).setType ?? options.setType ?? "EnergyAndPowerPv";
  assertReadable(`SMA ${setType} response`, {
    ...mapped,
    responses: [],
    intervalsExpected: 0,
    intervalsReceived: 0,
  });
  return mapped;
}
