/**
 * Time-zone arithmetic on Intl, which every Deno and Edge runtime has: vendors speak in site-local
 * time, the fetcher in UTC instants.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
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

function intlOffset(t: number, timeZone: string): number {
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const p of formatter(timeZone).formatToParts(t)) {
    if (p.type === "year") year = Number(p.value);
    else if (p.type === "month") month = Number(p.value);
    else if (p.type === "day") day = Number(p.value);
    else if (p.type === "hour") hour = Number(p.value);
    else if (p.type === "minute") minute = Number(p.value);
    else if (p.type === "second") second = Number(p.value);
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60000);
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
