/**
 * Enphase v4 telemetry bodies to canonical readings. Pure: no fetch, no env.
 * `production_micro` intervals carry `powr` (average W) and `enwh` (Wh) over 5 minutes;
 * `production_meter` intervals carry `wh_del` (Wh delivered) over 15 minutes. Every interval is
 * stamped `end_at` in epoch seconds, already its end in UTC (vendors.md §2.4). A missing or null
 * value is dropped and counted, never turned into a zero; so is negative energy. A value that is
 * there but cannot be read (an `end_at` that is not epoch seconds, a value that is not a number)
 * is reported in `unreadable`, so a body nobody can read fails its window instead of passing as
 * a quiet night.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { compareReadings } from "../../../shared/reading_order.ts";
import type { Reading } from "../../../shared/types.ts";
import { type UnreadableField, UnreadableValues } from "../../../shared/unreadable.ts";

export type TelemetryKind = "production_micro" | "production_meter";

interface TelemetryBody {
  intervals?: Array<Record<string, unknown>>;
}

export interface MappedTelemetry {
  readings: Reading[];
  dropped: number;
  unreadable: UnreadableField[];
}

// Which interval fields become which readings; the meter's are told apart by `device`.
const FIELDS: Record<TelemetryKind, Array<{ field: string; metric: string; device?: string }>> = {
  production_micro: [
    { field: "powr", metric: "power_w" },
    { field: "enwh", metric: "energy_wh" },
  ],
  production_meter: [{ field: "wh_del", metric: "energy_wh", device: "production_meter" }],
};

export function toReadings(body: unknown, kind: TelemetryKind): MappedTelemetry {
  const b = body as TelemetryBody | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.intervals)) {
    throw new BadRecordError(`Cannot read Enphase ${kind} response: intervals is missing`);
  }
  const byKey = new Map<string, Reading>();
  let dropped = 0;
  const unreadable = new UnreadableValues();
  for (const interval of b.intervals) {
    const end = interval?.end_at;
    if (typeof end !== "number" || !Number.isFinite(end)) {
      // Without its time no value of the interval can be placed.
      unreadable.note("intervals[].end_at", end ?? null);
      continue;
    }
    const ts = new Date(end * 1000).toISOString();
    for (const { field, metric, device } of FIELDS[kind]) {
      const value = interval[field];
      if (value === null || value === undefined) {
        dropped++;
        continue;
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        unreadable.note(`intervals[].${field}`, value);
        continue;
      }
      // Negative energy is a meter's standby reading before dawn: a gap, not a value.
      if (metric === "energy_wh" && value < 0) {
        dropped++;
        continue;
      }
      // A repeated end_at (late data sent again) keeps the later value: one reading per slot.
      byKey.set(`${metric}@${ts}`, device ? { ts, metric, value, device } : { ts, metric, value });
    }
  }
  const readings = [...byKey.values()].sort(compareReadings);
  return { readings, dropped, unreadable: unreadable.list() };
}
