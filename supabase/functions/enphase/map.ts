/**
 * Enphase v4 telemetry bodies to canonical readings. Pure: no fetch, no env.
 * `production_micro` intervals carry `powr` (average W) and `enwh` (Wh) over 5 minutes;
 * `production_meter` intervals carry `wh_del` (Wh delivered) over 15 minutes. Every interval is
 * stamped `end_at` in epoch seconds, already its end in UTC (vendors.md §2.4). A missing or null
 * value is dropped and counted, never turned into a zero; so is negative energy.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";

export type TelemetryKind = "production_micro" | "production_meter";

interface TelemetryBody {
  intervals?: Array<Record<string, unknown>>;
}

export interface MappedTelemetry {
  readings: Reading[];
  dropped: number;
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
  for (const interval of b.intervals) {
    const end = interval?.end_at;
    const ts = typeof end === "number" && Number.isFinite(end)
      ? new Date(end * 1000).toISOString()
      : null;
    for (const { field, metric, device } of FIELDS[kind]) {
      const value = interval?.[field];
      const usable = typeof value === "number" && Number.isFinite(value) &&
        !(metric === "energy_wh" && value < 0);
      if (ts === null || !usable) {
        dropped++;
        continue;
      }
      // A repeated end_at (late data sent again) keeps the later value: one reading per slot.
      byKey.set(`${metric}@${ts}`, device ? { ts, metric, value, device } : { ts, metric, value });
    }
  }
  const readings = [...byKey.values()].sort((a, b) =>
    a.ts.localeCompare(b.ts) || a.metric.localeCompare(b.metric)
  );
  return { readings, dropped };
}
