/**
 * `GET /v2/sites/{id}/power` and `/energy` at QUARTER_HOUR resolution: parameter checks as strict
 * as the real API's, and values from the deterministic PV curve, with timestamps in the site's
 * time zone and UTC offset as in the captured fixtures (vendors.md §1.8).
 */
import { pvPowerW, type PvSite } from "./pv_curve.ts";
import { problem } from "./solaredge_problem.ts";
import { formatZonedIso } from "./zoned_time.ts";

export type SeriesKind = "power" | "energy";

const QUARTER_MS = 15 * 60_000;
const MAX_RANGE_MS = 7 * 86_400_000;
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

export function seriesResponse(
  site: PvSite,
  kind: SeriesKind,
  params: URLSearchParams,
  now: Date,
): Response {
  const fromText = params.get("from");
  const toText = params.get("to");
  const from = parseIsoWithOffset(fromText);
  if (from === undefined) return badParameter("from", fromText);
  const to = parseIsoWithOffset(toText);
  if (to === undefined) return badParameter("to", toText);
  const resolution = params.get("resolution");
  if (resolution !== "QUARTER_HOUR") {
    return problem(400, "Bad Request", "Invalid parameter resolution: expected QUARTER_HOUR");
  }
  if (to <= from) return problem(400, "Bad Request", "Invalid parameter to: must be after from");
  if (to - from > MAX_RANGE_MS) {
    return problem(403, "Forbidden", "Range too large: at most 7 days per request");
  }

  const values = [];
  for (let start = Math.floor(from / QUARTER_MS) * QUARTER_MS; start < to; start += QUARTER_MS) {
    const at = new Date(start);
    // Intervals that have not ended yet are not reported, like the 17:00 slot of the fixture
    // fetched at 17:05.
    const power = start + QUARTER_MS > now.getTime() ? null : pvPowerW(site, at);
    values.push({ timestamp: formatZonedIso(at, site.timeZone), value: render(kind, power) });
  }
  const body = {
    period: { from: fromText, to: toText },
    unit: kind === "power" ? "W" : "WH",
    resolution: "QUARTER_HOUR",
    values,
  };
  return Response.json(body);
}

function render(kind: SeriesKind, averageW: number | null): number | null {
  if (averageW === null) return null;
  // The fixtures print power with float32 precision and energy as whole Wh.
  return kind === "power" ? Number(averageW.toPrecision(8)) : Math.round(averageW / 4);
}

/** Epoch ms, or undefined unless the text is a real ISO-8601 date-time with `Z` or `±HH:MM`. */
function parseIsoWithOffset(text: string | null): number | undefined {
  const m = text === null ? null : ISO_WITH_OFFSET.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0));
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offset = m[8] ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  // Date.UTC rolls 30 February over into March; the API rejects it, so must the simulator.
  const valid = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day && hour < 24 && minute < 60 && second < 60 &&
    Number(m[11] ?? 0) < 60 && Math.abs(offset) <= 18 * 60;
  return valid ? local - offset * 60_000 : undefined;
}

function badParameter(name: string, value: string | null): Response {
  const hint = value?.includes(" ")
    ? " (a '+' in a query string must be sent as %2B, or it arrives as a space)"
    : "";
  const detail = value === null
    ? `Missing parameter ${name}: expected an ISO-8601 date-time with offset`
    : `Invalid parameter ${name}: expected an ISO-8601 date-time with offset, ` +
      `e.g. 2026-08-24T00:00:00+01:00${hint}`;
  return problem(400, "Bad Request", detail);
}
