/**
 * A deterministic, realistic-looking PV production curve for simulated sites: nothing at night in
 * local time, a bell around local solar noon that is longer and higher in summer, and a small
 * hash-based wobble per site and per interval so series are not perfectly smooth. The same inputs
 * always give the same output, so tests and benchmark runs are repeatable without stored data.
 */
import { zonedTime } from "./zoned_time.ts";

export interface PvSite {
  siteId: number | string;
  timeZone: string;
  peakPowerKw: number;
}

export interface PvPowerOptions {
  /** Length of the interval that starts at `intervalStart`; default 15 (SolarEdge QUARTER_HOUR). */
  intervalMinutes?: number;
}

// Inverters wake a little before sunrise and report zeros until the panels produce, then go to
// sleep and stop reporting (null) a little after sunset, as in the real V2 fixture: null, 0, 0, 4.6.
const AWAKE_MARGIN_HOURS = 0.5;
// Half the difference between the longest and the shortest day at about 50° latitude.
const DAY_LENGTH_SWING_HOURS = 3.5;
// Panels rarely deliver nameplate power; a summer clear-sky noon yields about 85 % of it.
const BEST_YIELD = 0.85;

/**
 * Average AC power in W over the interval starting at `intervalStart`, or `null` when the inverter
 * sleeps (deep night in the site's local time).
 */
export function pvPowerW(
  site: PvSite,
  intervalStart: Date,
  options: PvPowerOptions = {},
): number | null {
  const minutes = options.intervalMinutes ?? 15;
  const local = zonedTime(intervalStart, site.timeZone);
  const sun = sunOf(site.timeZone, local.year, local.month, local.day);
  // Solar hour: the wall clock with summer time taken off, so noon stays near 12:00 standard time.
  const dstHours = (local.offsetMinutes - sun.standardOffsetMinutes) / 60;
  const start = local.hour + local.minute / 60 + local.second / 3600 - dstHours;
  if (start < sun.rise - AWAKE_MARGIN_HOURS || start >= sun.set + AWAKE_MARGIN_HOURS) return null;

  // Midpoint rule, one sample per minute: exact enough and cheap for a 7-day series.
  let sum = 0;
  for (let i = 0; i < minutes; i++) {
    const h = start + (i + 0.5) / 60;
    if (h > sun.rise && h < sun.set) sum += Math.sin((Math.PI * (h - sun.rise)) / sun.length) ** 2;
  }
  if (sum === 0) return 0;
  const siteFactor = 0.92 + 0.08 * unitHash(`${site.siteId}`);
  const slotFactor = 0.85 + 0.15 * unitHash(`${site.siteId}@${intervalStart.getTime()}`);
  const peakW = site.peakPowerKw * 1000 * BEST_YIELD * sun.season;
  return (peakW * siteFactor * slotFactor * sum) / minutes;
}

interface Sun {
  rise: number;
  set: number;
  length: number;
  /** 0.6 in midwinter to 1 in midsummer: lower sun, lower yield. */
  season: number;
  standardOffsetMinutes: number;
}

// Winter and summer offsets per zone and year; every interval needs them.
const yearOffsets = new Map<string, [number, number]>();

function sunOf(timeZone: string, year: number, month: number, day: number): Sun {
  const key = `${timeZone}|${year}`;
  let offsets = yearOffsets.get(key);
  if (!offsets) {
    offsets = [
      zonedTime(new Date(Date.UTC(year, 0, 1)), timeZone).offsetMinutes,
      zonedTime(new Date(Date.UTC(year, 6, 1)), timeZone).offsetMinutes,
    ];
    yearOffsets.set(key, offsets);
  }
  const [january, july] = offsets;
  // A zone whose summer time falls in January is in the southern hemisphere; zones without DST
  // cannot be told apart and are treated as northern.
  const hemisphere = january > july ? -1 : 1;
  const dayOfYear = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
  // Around 21 March (day 80) day and night are equal everywhere.
  const swing = hemisphere * Math.sin((2 * Math.PI * (dayOfYear - 80)) / 365);
  const length = 12 + DAY_LENGTH_SWING_HOURS * swing;
  return {
    rise: 12 - length / 2,
    set: 12 + length / 2,
    length,
    season: 0.8 + 0.2 * swing,
    standardOffsetMinutes: Math.min(january, july),
  };
}

/** FNV-1a mapped to [0, 1): stable across runs and platforms, unlike Math.random. */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV's low bits mix poorly for short, similar keys; one avalanche round fixes that.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32;
}
