/**
 * Plant-local time the way GoodWe prints it: wall-clock `MM/dd/yyyy HH:mm:ss` or the account's
 * locale order, never an offset. The 5-minute sample instants of a local day come from walking
 * UTC and keeping the instants whose local date matches, so a 23- or 25-hour day needs no
 * special case.
 */
import { zonedTime } from "./zoned_time.ts";

// `MM.dd.yyyy` is the `date_format` of two real captures (20250623_homekit_getData.json,
// 20260905_getData_hk1000.json in goodwe-sems-home-assistant tests/test-data).
export type SimDateFormat =
  | "MM/dd/yyyy"
  | "dd/MM/yyyy"
  | "yyyy-MM-dd"
  | "dd.MM.yyyy"
  | "MM.dd.yyyy"
  | "dd-MM-yyyy";

export const DATE_FORMATS: readonly SimDateFormat[] = [
  "MM/dd/yyyy",
  "dd/MM/yyyy",
  "yyyy-MM-dd",
  "dd.MM.yyyy",
  "MM.dd.yyyy",
  "dd-MM-yyyy",
];

/** `spaced`: `17: 06: 27`, a space after each colon, as a real monitor detail prints it. */
export type SimTimeStyle = "plain" | "spaced";

export const SAMPLE_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;

export function formatSemsTime(
  at: Date,
  timeZone: string,
  format: SimDateFormat = "MM/dd/yyyy",
  style: SimTimeStyle = "plain",
): string {
  const t = zonedTime(at, timeZone);
  const date = format
    .replace("yyyy", pad(t.year, 4))
    .replace("MM", pad(t.month))
    .replace("dd", pad(t.day));
  const colon = style === "spaced" ? ": " : ":";
  return `${date} ${[t.hour, t.minute, t.second].map((n) => pad(n)).join(colon)}`;
}

/** `YYYY-MM-DD` in the zone. */
export function localDate(at: Date, timeZone: string): string {
  const t = zonedTime(at, timeZone);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

/** Every 5-minute UTC instant whose local date is `date`, oldest first. */
export function daySampleTimes(date: string, timeZone: string): Date[] {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  const times: Date[] = [];
  // Local midnight lies within 14 hours of UTC midnight in every zone.
  for (let t = midnightUtc - 14 * HOUR_MS; t < midnightUtc + 38 * HOUR_MS; t += SAMPLE_MS) {
    const at = new Date(t);
    if (localDate(at, timeZone) === date) times.push(at);
  }
  return times;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: unknown): text is string {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(text);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}
