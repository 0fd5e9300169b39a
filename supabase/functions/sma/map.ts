/**
 * SMA `EnergyAndPowerPv` day sets to canonical readings. Pure: no fetch, no env.
 * `set[].time` is the plant-local wall clock without offset at the END of each interval (00:05 to
 * 00:00 of the next day), read in `plant.timezone` (vendors.md §3.4; DST rules in
 * local_time_reader.ts). With `ReturnEnergyValues=true`, `pvGeneration` is Wh in the interval
 * (energy_wh); `pvPower`, W, becomes power_w when present. SMA omits a property it has no value
 * for instead of sending null: a missing pvGeneration is dropped and counted. pvPower is optional
 * (the captured responses never carry it), so only a present but unusable value is counted.
 *
 * Spike guard (vendors.md §3.6: the first interval after a device comes online can claim e.g.
 * 1,024,843 Wh): with `capacityW` (the device's `generatorPower`), an interval claiming more than
 * the inverter can deliver at that power for the interval's length, plus SPIKE_TOLERANCE, is
 * dropped, counted and returned in `spikes`, never stored as a reading.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { isTimeZone } from "../../../shared/time.ts";
import type { Reading, Window } from "../../../shared/types.ts";
import { localTimeReader } from "./local_time_reader.ts";
import { inWindow } from "../../../shared/site_data.ts";

interface DaySet {
  plant?: { timezone?: unknown };
  device?: { deviceId?: unknown };
  resolution?: unknown;
  set?: Array<{ time?: unknown; pvGeneration?: unknown; pvPower?: unknown }>;
}

export interface MapOptions {
  /** The device's `generatorPower` (W); the spike guard applies only when it is given. */
  capacityW?: number;
  /** The site's zone, used only when the response carries no `plant.timezone`. */
  timeZone?: string;
  /** Keep (and count drops and spikes) only for interval ends in (from, to]. */
  window?: Window;
}

export interface MappedDay {
  readings: Reading[];
  /** Values not stored: missing, unusable, at an unreadable time, or spikes. */
  dropped: number;
  /** The dropped implausible values, for the operator's log; part of `dropped`. */
  spikes: Reading[];
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

export function toReadings(body: unknown, options: MapOptions = {}): MappedDay {
  const b = body as DaySet | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.set)) {
    throw new BadRecordError("Cannot read SMA EnergyAndPowerPv response: set is missing");
  }
  const zone = typeof b.plant?.timezone === "string" ? b.plant.timezone : options.timeZone;
  if (!zone || !isTimeZone(zone)) {
    throw new BadRecordError(`Cannot read SMA EnergyAndPowerPv response: time zone ${zone}`);
  }
  const minutes = RESOLUTION_MINUTES[String(b.resolution ?? "FiveMinutes")];
  if (minutes === undefined) {
    throw new BadRecordError(
      `Cannot read SMA EnergyAndPowerPv response: resolution ${b.resolution}`,
    );
  }
  const deviceId = b.device?.deviceId;
  const device = typeof deviceId === "string" || typeof deviceId === "number"
    ? { device: String(deviceId) }
    : {};
  const limits = options.capacityW && options.capacityW > 0
    ? {
      energy_wh: options.capacityW * (minutes / 60) * SPIKE_TOLERANCE,
      power_w: options.capacityW * SPIKE_TOLERANCE,
    }
    : undefined;
  const read = localTimeReader(zone);
  const byKey = new Map<string, Reading>();
  const out: MappedDay = { readings: [], dropped: 0, spikes: [] };
  for (const entry of b.set) {
    const t = typeof entry?.time === "string" ? read(entry.time) : null;
    if (t === null) {
      out.dropped++;
      continue;
    }
    const ts = new Date(t).toISOString();
    if (options.window && !inWindow(ts, options.window)) continue;
    const values = [
      ["energy_wh", entry.pvGeneration, true],
      ["power_w", entry.pvPower, false],
    ] as const;
    for (const [metric, value, required] of values) {
      if (value === undefined && !required) continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        out.dropped++;
        continue;
      }
      const reading = { ts, metric, value, ...device };
      if (limits && value > limits[metric]) {
        out.spikes.push(reading);
        out.dropped++;
        continue;
      }
      byKey.set(`${metric}@${ts}`, reading);
    }
  }
  out.readings = [...byKey.values()].sort((x, y) =>
    x.ts.localeCompare(y.ts) || x.metric.localeCompare(y.metric)
  );
  return out;
}
