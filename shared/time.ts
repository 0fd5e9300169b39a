/**
 * Time-zone arithmetic on Intl, which every Deno and Edge runtime has: vendors speak in site-local
 * time, the fetcher in UTC instants.
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    offsetFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at that instant, in minutes (east positive). */
export function offsetMinutes(date: Date, timeZone: string): number {
  // Intl is slow (a formatToParts per reading was most of the mapping's CPU), and an offset is
  // the same all hour unless a transition falls inside it: an hour whose two ends agree is cached.
  const t = date.getTime();
  const hour = Math.floor(t / HOUR_MS);
  const key = `${timeZone} ${hour}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const start = intlOffset(hour * HOUR_MS, timeZone);
  const end = intlOffset(hour * HOUR_MS + HOUR_MS - 1000, timeZone);
  if (start !== end) return intlOffset(t, timeZone);
  if (offsets.size >= MAX_CACHED) offsets.clear();
  offsets.set(key, start);
  return start;
}

const HOUR_MS = 3_600_000;
const MAX_CACHED = 50_000;
const offsets = new Map<string, number>();

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

// ICU loads its time-zone data on the first formatter a process makes (some 20 ms of CPU, more
// than a site's whole fetch): done as the module loads, at boot, and not in the first request.
offsetFormatter("UTC").format(0);

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * One `format` with the zone's long offset ("…, GMT+05:45"): a quarter of the CPU of reading
 * the wall-clock parts back and subtracting (the earlier way), and exact to the second offsets
 * of old local mean times too, rounded to the minute as before.
 */
function intlOffset(t: number, timeZone: string): number {
  const m = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(
    offsetFormatter(timeZone).format(t),
  );
  if (!m) throw new RangeError(`Cannot read the UTC offset of ${timeZone}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Math.round(Number(m[4] ?? 0) / 60);
  return m[1] === "-" ? -minutes : minutes;
}

/** ISO-8601 in the zone's local time with its offset, e.g. `2026-03-29T03:00:00+02:00`. */
export function formatInZone(date: Date, timeZone: string): string {
  const offset = offsetMinutes(date, timeZone);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local.toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** The UTC instant of a zone-local wall-clock time without offset (`2026-03-29T03:15:00`). */
export function zonedToUtc(local: string, timeZone: string): Date {
  const naive = Date.parse(`${local.slice(0, 19)}Z`);
  if (Number.isNaN(naive)) throw new RangeError(`Cannot read local time: ${local}`);
  // Two passes settle the offset for times next to a DST change.
  let guess = naive - offsetMinutes(new Date(naive), timeZone) * 60000;
  guess = naive - offsetMinutes(new Date(guess), timeZone) * 60000;
  return new Date(guess);
}
