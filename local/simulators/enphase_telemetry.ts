/**
 * `GET /api/v4/systems/{id}/telemetry/production_micro` (5-minute `powr` W and `enwh` Wh) and
 * `.../production_meter` (15-minute `wh_del` Wh), following the Swagger (vendors.md §2.4): epoch
 * seconds; `start_at` defaults to local midnight today and must lie within two years;
 * `end_at = min(now, start_at + granularity)`, so `day` holds at most 288 micro or 96 meter
 * intervals; an empty list once `start_at` is past the last reported interval. Values come from
 * the deterministic PV curve in the system's zone, zero at night. `start_date` is not simulated.
 */
import type { SimSystem } from "./enphase.ts";
import { unprocessable } from "./enphase_errors.ts";
import { pvPowerW } from "./pv_curve.ts";
import { zonedTime } from "./zoned_time.ts";

export type TelemetryKind = "production_micro" | "production_meter";

const STEP_S: Record<TelemetryKind, number> = { production_micro: 300, production_meter: 900 };
const SPAN_S: Record<string, number> = { "5mins": 300, "15mins": 900, day: 86_400, week: 604_800 };
// What Enphase reports for a system in its list and telemetry when none was given.
export const DEFAULT_OPERATIONAL_AT = "2022-07-06T04:00:00Z";

export function telemetryResponse(
  system: SimSystem,
  kind: TelemetryKind,
  params: URLSearchParams,
  now: Date,
): Response {
  const nowS = Math.floor(now.getTime() / 1000);
  const granularity = params.get("granularity") ?? "day";
  const span = SPAN_S[granularity];
  if (span === undefined) {
    // Enphase's wording for this case is not published; the form is that of its other 422s.
    return unprocessable(
      `Invalid request because of 'granularity must be one of 5mins, 15mins, day, week'`,
    );
  }
  const startText = params.get("start_at");
  if (startText !== null && !/^\d{1,12}$/.test(startText)) {
    return unprocessable(`Failed to parse date ${startText}`);
  }
  const start = startText === null ? localMidnight(now, system.timeZone) : Number(startText);
  if (start > nowS) {
    return unprocessable("Invalid request because of 'Requested date is in the future'");
  }
  const end = Math.min(nowS, start + span);
  const step = STEP_S[kind];
  const operational = Date.parse(system.operationalAt ?? DEFAULT_OPERATIONAL_AT) / 1000;
  const twoYearsAgo = new Date(now);
  twoYearsAgo.setUTCFullYear(twoYearsAgo.getUTCFullYear() - 2);
  if (start < twoYearsAgo.getTime() / 1000) {
    const first = Math.ceil(Math.max(operational, twoYearsAgo.getTime() / 1000) / step) * step;
    return unprocessable(
      `Invalid request because of 'Requested date range is invalid for this system. ` +
        `{:start_at=>${start}, :end_at=>${end}, :first_interval=>${first}, ` +
        `:last_interval=>${Math.floor(nowS / step) * step}}'`,
    );
  }

  const intervals = [];
  // Interval ends on the step grid in (start, end]: nothing before the system started reporting.
  for (let t = Math.floor(start / step) * step + step; t <= end; t += step) {
    if (t <= operational) continue;
    intervals.push(interval(system, kind, t));
  }
  const micro = kind === "production_micro";
  const body: Record<string, unknown> = {
    system_id: system.systemId,
    granularity,
    total_devices: micro ? microCount(system) : 1,
    start_at: start,
    end_at: end,
    items: "intervals",
    intervals,
  };
  // The Swagger examples give `meta` for the micros and none for the meter.
  if (micro) {
    const last = Math.floor(nowS / 300) * 300;
    body.meta = {
      status: "normal",
      last_report_at: last,
      last_energy_at: last,
      operational_at: operational,
    };
  }
  return Response.json(body);
}

function interval(system: SimSystem, kind: TelemetryKind, endS: number) {
  const minutes = STEP_S[kind] / 60;
  const startAt = new Date((endS - STEP_S[kind]) * 1000);
  const site = {
    siteId: system.systemId,
    timeZone: system.timeZone,
    peakPowerKw: system.peakPowerKw,
  };
  // Night reports zero rather than no interval, so a past day always has all 288 (or 96); whether
  // Enphase leaves night intervals out is not documented.
  const watts = pvPowerW(site, startAt, { intervalMinutes: minutes }) ?? 0;
  if (kind === "production_meter") {
    return { end_at: endS, devices_reporting: 1, wh_del: Math.round((watts * minutes) / 60) };
  }
  // Enphase measures whole Wh per 5 minutes and derives the average power from them: in the
  // captured responses `powr` is always exactly 12 × `enwh` (744 W, 62 Wh).
  const enwh = Math.round(watts / 12);
  return { end_at: endS, devices_reporting: microCount(system), powr: enwh * 12, enwh };
}

// About 400 W of panel per microinverter (IQ8 class).
function microCount(system: SimSystem): number {
  return Math.max(1, Math.round(system.peakPowerKw / 0.4));
}

/** Epoch seconds of midnight today in the zone; two passes settle a DST change that day. */
function localMidnight(now: Date, timeZone: string): number {
  const t = zonedTime(now, timeZone);
  const naive = Date.UTC(t.year, t.month - 1, t.day);
  const guess = naive - t.offsetMinutes * 60_000;
  return (naive - zonedTime(new Date(guess), timeZone).offsetMinutes * 60_000) / 1000;
}
