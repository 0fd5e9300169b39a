/**
 * SolarEdge V2 `/power` and `/energy` bodies to canonical readings. Pure: no fetch, no env.
 * Values are stamped with the interval START in site-local time with an offset (vendors.md,
 * Corrections December 2026); a reading is stamped with the interval END in UTC. `null` means no
 * data and is dropped, never turned into a zero. The unit varies by site and size: power `W`,
 * `KW`, `MW`; energy `WH`, `KWH`, `MWH`, `GWH` (same source); all are scaled to W and Wh.
 * A timestamp or value that cannot be read is noted in `unreadable`, so that a response of only
 * such values fails its window instead of passing as an empty night (shared/unreadable.ts).
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { zonedToUtc } from "../../../shared/time.ts";
import type { Reading } from "../../../shared/types.ts";
import { type UnreadableField, UnreadableValues } from "../../../shared/unreadable.ts";
import { compareText } from "../../../shared/reading_order.ts";

export type SolarEdgeSeries = "power" | "energy";

interface SeriesBody {
  unit?: unknown;
  resolution?: unknown;
  values?: Array<{ timestamp?: unknown; value?: unknown }>;
}

export interface MappedSeries {
  readings: Reading[];
  dropped: number;
  unreadable: UnreadableField[];
}

const RESOLUTION_MS: Record<string, number> = { QUARTER_HOUR: 900_000, HOUR: 3_600_000 };
export const POWER_SCALE: Record<string, number> = { W: 1, KW: 1e3, MW: 1e6 };
export const ENERGY_SCALE: Record<string, number> = { WH: 1, KWH: 1e3, MWH: 1e6, GWH: 1e9 };

export function toReadings(
  body: unknown,
  series: SolarEdgeSeries,
  options: { timeZone?: string } = {},
): MappedSeries {
  const b = body as SeriesBody | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.values)) {
    throw new BadRecordError(`Cannot read SolarEdge ${series} response: values is missing`);
  }
  const resolution = b.resolution ?? "QUARTER_HOUR";
  const step = RESOLUTION_MS[String(resolution)];
  if (step === undefined) {
    throw new BadRecordError(`Cannot read SolarEdge ${series} response: resolution ${resolution}`);
  }
  const unit = String(b.unit ?? (series === "power" ? "W" : "WH")).toUpperCase();
  const scale = (series === "power" ? POWER_SCALE : ENERGY_SCALE)[unit];
  if (scale === undefined) {
    throw new BadRecordError(`Cannot read SolarEdge ${series} response: unexpected unit ${unit}`);
  }
  const metric = series === "power" ? "power_w" : "energy_wh";
  const unreadable = new UnreadableValues();
  const byTs = new Map<string, Reading>();
  let dropped = 0;
  for (const v of b.values) {
    const start = instant(v?.timestamp, options.timeZone);
    if (start === null) {
      unreadable.note("values[].timestamp", v?.timestamp);
      continue;
    }
    const raw = v.value;
    if (raw === null || raw === undefined) {
      dropped++;
      continue;
    }
    if (typeof raw !== "number" || !Number.isFinite(raw)) {
      unreadable.note("values[].value", raw);
      continue;
    }
    const value = raw * scale;
    // A negative energy interval is a meter artefact, not production: a gap, not a reading.
    if (metric === "energy_wh" && value < 0) {
      dropped++;
      continue;
    }
    const ts = new Date(start + step).toISOString();
    byTs.set(ts, { ts, metric, value: scale === 1 ? value : round(value) });
  }
  return {
    readings: [...byTs.values()].sort((a, b) => compareText(a.ts, b.ts)),
    dropped,
    unreadable: unreadable.list(),
  };
}

/** Offsets are normal in V2; a bare local time is read in the site's zone when one is known. */
function instant(timestamp: unknown, timeZone?: string): number | null {
  if (typeof timestamp !== "string") return null;
  if (/([+-]\d{2}:?\d{2}|Z)$/.test(timestamp)) {
    const t = Date.parse(timestamp);
    return Number.isNaN(t) ? null : t;
  }
  if (!timeZone || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(timestamp)) return null;
  try {
    return zonedToUtc(timestamp.replace(" ", "T"), timeZone).getTime();
  } catch {
    return null;
  }
}

/** Undoes float noise from scaling (0.1 kW × 1000) without cutting the vendor's own decimals. */
function round(value: number): number {
  return Number(value.toPrecision(12));
}
