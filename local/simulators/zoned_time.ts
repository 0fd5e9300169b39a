/**
 * Wall-clock time of an instant in an IANA time zone, and its UTC offset at that instant. Vendor
 * simulators need both: local time drives the PV curve, the offset is printed in timestamps.
 */
export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC at this instant, DST included. */
  offsetMinutes: number;
}

// Building a DateTimeFormat costs far more than using one; a 7-day series formats 672 instants.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // Throws RangeError for an unknown zone, which is how callers validate zone names.
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

export function zonedTime(at: Date, timeZone: string): ZonedTime {
  const offsetMinutes = offsetAt(at.getTime(), timeZone);
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    offsetMinutes,
  };
}

const DAY_MS = 86_400_000;
// Per zone and UTC day: the day's offset, or null when it changes that day. Asking Intl for every
// quarter hour made a 7-day series cost about 20 ms; zones change offset at most once a day.
const dayOffsets = new Map<string, number | null>();

function offsetAt(ms: number, timeZone: string): number {
  const day = Math.floor(ms / DAY_MS);
  const key = `${timeZone}|${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const start = exactOffset(day * DAY_MS, timeZone);
    offset = start === exactOffset((day + 1) * DAY_MS, timeZone) ? start : null;
    if (dayOffsets.size > 100_000) dayOffsets.clear();
    dayOffsets.set(key, offset);
  }
  return offset ?? exactOffset(ms, timeZone);
}

function exactOffset(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(ms)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** `2026-08-24T06:30:00+01:00`: the site's wall clock and offset, never `Z`, as SolarEdge V2 prints. */
export function formatZonedIso(at: Date, timeZone: string): string {
  const t = zonedTime(at, timeZone);
  const sign = t.offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(t.offsetMinutes);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:` +
    `${pad(t.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatFor(timeZone);
  } catch (cause) {
    throw new RangeError(`Cannot use time zone ${JSON.stringify(timeZone)}: unknown zone`, {
      cause,
    });
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * The instant a site-local wall time names, the way java.time's `LocalDateTime.atZone` resolves
 * it: in a repeated hour (fall-back) the earlier offset, i.e. the first occurrence; in a skipped
 * hour (spring-forward) the time moved forward by the gap. Vendors that take naive local times do
 * not say which they do; simulators use this one rule and say so where they rely on it.
 */
export function wallToInstant(
  wall: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  timeZone: string,
  /** A repeated wall time's occurrence: java.time's `earlier`, or `later` (atZone().withLaterOffsetAtOverlap()). */
  repeated: "earlier" | "later" = "earlier",
): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const before = offsetAt(naive - DAY_MS, timeZone);
  const after = offsetAt(naive + DAY_MS, timeZone);
  const fits = [before, after]
    .map((o) => naive - o * 60_000)
    .filter((t) => {
      const z = zonedTime(new Date(t), timeZone);
      return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute, z.second) === naive;
    })
    .sort((a, b) => a - b);
  // No fit: the wall time was skipped; the offset before the gap moves it forward by the gap.
  return (repeated === "later" ? fits.at(-1) : fits[0]) ?? naive - before * 60_000;
}
