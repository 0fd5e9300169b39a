/**
 * The plant's time zone. GoodWe's plant list carries none, so a site synced from it has no zone
 * until an operator sets one; until then the monitor detail is asked. Its `info` has no IANA zone
 * in any capture, but `time_span` is the plant's UTC offset in hours with the sign of JavaScript's
 * `getTimezoneOffset` (-1 in January and -2 in September for a Dutch plant in the fixtures). A
 * fixed offset is right except across a DST change, so the site's own zone always wins.
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
  const span = info?.time_span;
  if (typeof span === "number" && Number.isInteger(span) && span >= -14 && span <= 12) {
    // Etc/GMT zones count westwards like time_span: Etc/GMT-1 is UTC+01:00.
    return span === 0 ? "Etc/GMT" : `Etc/GMT${span > 0 ? "+" : "-"}${Math.abs(span)}`;
  }
  return undefined;
}
