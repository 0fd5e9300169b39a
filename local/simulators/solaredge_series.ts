/**
 * `GET /v2/sites/{id}/power` and `/energy` at QUARTER_HOUR resolution, as the official docs
 * describe them (vendors.md, Corrections December 2026): `from`/`to` are ISO 8601 date-times
 * WITHOUT an offset, read in the site's local time (`from=2026-05-01T00:00:00`); at most 12 hours
 * per call at QUARTER_HOUR (longer is 400); response timestamps carry the site's offset and mark
 * the bucket's start; the unit varies (W/KW/MW, WH/KWH/MWH/GWH) unless `unit=W` / `unit=WH` asks
 * for a fixed one. Values come from the deterministic PV curve.
 *
 * Not published, and chosen here: a wall time in a repeated hour is read as its first occurrence
 * (or, with the simulator's `repeatedWallTime: "later"`, its second, so a client can be shown to
 * work with either), a skipped one moved forward (java.time's rule, zoned_time.ts); the 12 hours
 * must hold both on
 * the wall clock and in elapsed time, so a client cannot pass by luck of one reading.
 */
import { pvPowerW, type PvSite } from "./pv_curve.ts";
import { problem } from "./solaredge_problem.ts";
import { formatZonedIso, wallToInstant } from "./zoned_time.ts";

export type SeriesKind = "power" | "energy";
export type PowerUnit = "W" | "KW" | "MW";
export type EnergyUnit = "WH" | "KWH" | "MWH" | "GWH";

export interface SeriesSite extends PvSite {
  /** The unit the site answers in when the request names none; default W and WH. */
  powerUnit?: PowerUnit;
  energyUnit?: EnergyUnit;
}

const QUARTER_MS = 15 * 60_000;
const MAX_SPAN_MS = 12 * 3_600_000;
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
export const POWER_UNITS: Record<PowerUnit, number> = { W: 1, KW: 1e3, MW: 1e6 };
export const ENERGY_UNITS: Record<EnergyUnit, number> = { WH: 1, KWH: 1e3, MWH: 1e6, GWH: 1e9 };

export function seriesResponse(
  site: SeriesSite,
  kind: SeriesKind,
  params: URLSearchParams,
  now: Date,
  repeated: "earlier" | "later" = "earlier",
): Response {
  const fromText = params.get("from");
  const toText = params.get("to");
  const from = parseNaive(fromText, site.timeZone, repeated);
  if (from === undefined) return badParameter("from", fromText);
  const to = parseNaive(toText, site.timeZone, repeated);
  if (to === undefined) return badParameter("to", toText);
  const resolution = params.get("resolution");
  if (resolution !== "QUARTER_HOUR") {
    return problem(400, "Bad Request", "Invalid parameter resolution: expected QUARTER_HOUR");
  }
  if (to.at <= from.at) {
    return problem(400, "Bad Request", "Invalid parameter to: must be after from");
  }
  if (to.at - from.at > MAX_SPAN_MS || to.wall - from.wall > MAX_SPAN_MS) {
    return problem(
      400,
      "Bad Request",
      "Invalid date range: at most 12 hours per request at QUARTER_HOUR resolution",
    );
  }
  const units = kind === "power" ? POWER_UNITS : ENERGY_UNITS;
  const asked = params.get("unit");
  if (asked !== null && asked !== (kind === "power" ? "W" : "WH")) {
    return problem(
      400,
      "Bad Request",
      `Invalid parameter unit: expected ${kind === "power" ? "W" : "WH"}`,
    );
  }
  const unit = asked ?? (kind === "power" ? site.powerUnit ?? "W" : site.energyUnit ?? "WH");
  const scale = (units as Record<string, number>)[unit];

  const values = [];
  for (
    let start = Math.floor(from.at / QUARTER_MS) * QUARTER_MS;
    start < to.at;
    start += QUARTER_MS
  ) {
    const at = new Date(start);
    // Intervals that have not ended yet are not reported, like the 17:00 slot of the fixture
    // fetched at 17:05.
    const power = start + QUARTER_MS > now.getTime() ? null : pvPowerW(site, at);
    values.push({
      timestamp: formatZonedIso(at, site.timeZone),
      value: render(kind, power, scale),
    });
  }
  const body = {
    // The capture prints the period with the site's offset.
    period: {
      from: formatZonedIso(new Date(from.at), site.timeZone),
      to: formatZonedIso(new Date(to.at), site.timeZone),
    },
    unit,
    resolution: "QUARTER_HOUR",
    values,
  };
  return Response.json(body);
}

function render(kind: SeriesKind, averageW: number | null, scale: number): number | null {
  if (averageW === null) return null;
  // The fixtures print power with float32 precision and energy as whole Wh.
  if (scale === 1) {
    return kind === "power" ? Number(averageW.toPrecision(8)) : Math.round(averageW / 4);
  }
  const value = kind === "power" ? averageW / scale : averageW / 4 / scale;
  return Number(value.toPrecision(6));
}

/** The instant and the naive wall-clock ms of a local date-time without offset, or undefined. */
function parseNaive(
  text: string | null,
  timeZone: string,
  repeated: "earlier" | "later",
): { at: number; wall: number } | undefined {
  const m = text === null ? null : NAIVE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // Date.UTC rolls 30 February over into March; the API rejects it, so must the simulator.
  const valid = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!valid) return undefined;
  const at = wallToInstant({ year, month, day, hour, minute, second }, timeZone, repeated);
  return { at, wall };
}

function badParameter(name: string, value: string | null): Response {
  const example = "e.g. 2026-05-01T00:00:00";
  const detail = value === null
    ? `Missing parameter ${name}: expected a date-time in site local time, ${example}`
    : /(Z|[+-]\d{2}:?\d{2})$/.test(value) || value.includes(" ")
    ? `Invalid parameter ${name}: expected a date-time without offset in site local time, ${example}`
    : `Invalid parameter ${name}: expected a date-time in site local time, ${example}`;
  return problem(400, "Bad Request", detail);
}
