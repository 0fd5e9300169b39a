/**
 * The plant's time zone. GoodWe's plant list carries none, so a site synced from it has no zone
 * until an operator sets one; until then the monitor detail is asked. Its `info` has no IANA zone
 * in any capture, but `time_span` is the plant's UTC offset in hours with the sign of JavaScript's
 * `getTimezoneOffset` (-1 in January and -2 in September for a Dutch plant, -10 for an Australian
 * one in the captures). It can be fractional, -5.5 or -9.5 for half-hour zones (vendors.md
 * "Corrections, December 2026"), which no Etc/GMT zone expresses: those become a fixed offset
 * zone such as `+05:30`. A fixed offset is right except across a DST change, so the site's own
 * zone always wins.
 */
import { isTimeZone } from "../../../shared/time.ts";

interface Info {
  time_zone?: unknown;
  timezone?: unknown;
  time_span?: unknown;
}

export function plantTimeZone(siteZone: string | null | undefined, info: Info | undefined) {
  if (siteZone && isTimeZone(siteZone)) return siteZone;
  for (const named of [info?.time_zone, info?.timezone]) {
    if (typeof named === "string" && named.includes("/") && isTimeZone(named)) return named;
  }
  const span = typeof info?.time_span === "number" ? info.time_span : Number.NaN;
  // Real offsets run from UTC-12 to UTC+14 in quarter hours (Nepal is +05:45).
  const minutes = Math.round(-span * 60);
  if (!Number.isFinite(span) || Math.abs(-span * 60 - minutes) > 1e-6) return undefined;
  if (minutes % 15 !== 0 || minutes < -12 * 60 || minutes > 14 * 60) return undefined;
  if (minutes % 60 === 0) {
    // Etc/GMT zones count westwards like time_span: Etc/GMT-1 is UTC+01:00.
    const hours = minutes / 60;
    return hours === 0 ? "Etc/GMT" : `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`;
  }
  const abs = Math.abs(minutes);
  const zone = `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  // Offset zones need a recent Intl; without one the operator sets the site's zone.
  return isTimeZone(zone) ? zone : undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
