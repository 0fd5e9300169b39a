/**
 * SolarEdge V2 `/power` and `/energy` bodies to canonical readings. Pure: no fetch, no env.
 * Values are stamped with the interval START in site-local time with an offset (vendors.md §1.8);
 * a reading is stamped with the interval END in UTC. `null` means no data and is dropped, never
 * turned into a zero.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { zonedToUtc } from "../../../shared/time.ts";
import type { Reading } from "../../../shared/types.ts";

export type SolarEdgeSeries = "power" | "energy";

interface SeriesBody {
  unit?: string;
  resolution?: string;
  values?: Array<{ timestamp?: unknown; value?: unknown }>;
}

export interface MappedSeries {
  readings: Reading[];
  dropped: number;
}

const RESOLUTION_MS: Record<string, number> = { QUARTER_HOUR: 900_000, HOUR: 3_600_000 };
const SCALE: Record<string, number> = { W: 1, KW: 1000, MW: 1e6, WH: 1, KWH: 1000, MWH: 1e6 };

export function toReadings(
  body: unknown,
  series: SolarEdgeSeries,
  options: { timeZone?: string } = {},
): MappedSeries {
  const b = body as SeriesBody | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.values)) {
    throw new BadRecordError(`Cannot read SolarEdge ${series} response: values is missing`);
  }
  const step = RESOLUTION_MS[b.resolution ?? "QUARTER_HOUR"];
  if (step === undefined) {
    throw new BadRecordError(
      `Cannot read SolarEdge ${series} response: resolution ${b.resolution}`,
    );
  }
  const unit = (b.unit ?? (series === "power" ? "W" : "WH")).toUpperCase();
  const scale = SCALE[unit];
  if (scale === undefined || (series === "power") !== !unit.endsWith("H")) {
    throw new BadRecordError(`Cannot read SolarEdge ${series} response: unexpected unit ${unit}`);
  }
  const metric = series === "power" ? "power_w" : "energy_wh";
  const byTs = new Map<string, Reading>();
  let dropped = 0;
  for (const v of b.values) {
    const start = instant(v.timestamp, options.timeZone);
    const value = typeof v.value === "number" && Number.isFinite(v.value) ? v.value * scale : null;
    if (start === null || value === null || (metric === "energy_wh" && value < 0)) {
      dropped++;
      continue;
    }
    const ts = new Date(start + step).toISOString();
    byTs.set(ts, { ts, metric, value: round(value) });
  }
  return { readings: [...byTs.values()].sort((a, b) => a.ts.localeCompare(b.ts)), dropped };
}

/** Offsets are normal in V2; a bare local time is read in the site's zone when one is known. */
function instant(timestamp: unknown, timeZone?: string): number | null {
  if (typeof timestamp !== "string") return null;
  if (/([+-]\d{2}:?\d{2}|Z)$/.test(timestamp)) {
    const t = Date.parse(timestamp);
    return Number.isNaN(t) ? null : t;
  }
  if (!timeZone) return null;
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
