/**
 * GoodWe's date-times: plant-local wall-clock times without an offset, printed in more shapes than
 * `date_format` admits (vendors.md "Corrections, December 2026"; the captures in
 * TimSoethout/goodwe-sems-home-assistant tests/test-data):
 *
 * - times with a space after each colon: `06/22/2025 17: 06: 27`;
 * - `/`, `.` and `-` separators in one response: `info.time` `09/05/2026 18:52:26` next to
 *   `d.last_refresh_time` `09.05.2026 18:49:40` under `date_format` `MM.dd.yyyy`;
 * - `date_format` disagreeing with the text: every capture prints `info.time`, `inverter[].time`
 *   and `inverter[].last_refresh_time` month first (`01/10/2026` on 10 January under
 *   `dd/MM/yyyy`), while the inverter's `d.last_refresh_time` follows the account's format
 *   (`10/01/2026` in the same response).
 *
 * How a date whose day and month both fit (03/04/2026) is read, in this order:
 * 1. year first (`2026-04-03`, `2026/04/03`) is always year, month, day;
 * 2. a part above 12 can only be the day;
 * 3. when the caller knows the day (the pac curve answers the day it was asked for), the reading
 *    that falls on it;
 * 4. a canonical field (`canonical: true`, the ones listed above) is month first;
 * 5. otherwise `date_format`'s order when it uses the text's separator; else by separator:
 *    `/` month first, `.` and `-` day first (dd.MM.yyyy, dd-MM-yyyy locales).
 */
export interface DateReading {
  /** The account's `info.date_format`, e.g. `dd/MM/yyyy` or `MM.dd.yyyy`. */
  dateFormat?: string;
  /** A field GoodWe prints month first whatever `date_format` says. */
  canonical?: boolean;
  /** `YYYY-MM-DD`: the local day the values belong to, when the request named it. */
  day?: string;
}

const DATE_TIME =
  /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$/;

/** `YYYY-MM-DDTHH:mm:ss` local time, or null when the text is not a real date and time. */
export function parseSemsDate(text: unknown, reading: DateReading = {}): string | null {
  if (typeof text !== "string") return null;
  // `17: 06: 27` and doubled spaces are the same time as `17:06:27`.
  const clean = text.trim().replace(/\s*:\s*/g, ":").replace(/\s+/g, " ");
  const m = DATE_TIME.exec(clean);
  if (!m) return null;
  const [, a, sep, b, c, hh, mi, ss] = m;
  const [h, min, s] = [hh, mi, ss].map((p) => Number(p ?? 0));
  if (h > 23 || min > 59 || s > 59) return null;
  let date: string | null;
  if (a.length === 4) date = calendarDate(Number(a), Number(b), Number(c));
  else if (c.length === 4) date = dayMonth(Number(a), Number(b), Number(c), sep, reading);
  else return null;
  return date === null ? null : `${date}T${pad(h)}:${pad(min)}:${pad(s)}`;
}

/** A date written `a sep b sep yyyy`: month first or day first, decided as the module says. */
function dayMonth(a: number, b: number, y: number, sep: string, r: DateReading): string | null {
  const monthFirst = calendarDate(y, a, b);
  const dayFirst = calendarDate(y, b, a);
  if (monthFirst === null || dayFirst === null || monthFirst === dayFirst) {
    return monthFirst ?? dayFirst;
  }
  if (r.day !== undefined) {
    if (monthFirst === r.day) return monthFirst;
    if (dayFirst === r.day) return dayFirst;
  }
  if (r.canonical) return monthFirst;
  return isDayFirst(sep, r.dateFormat) ? dayFirst : monthFirst;
}

function isDayFirst(sep: string, dateFormat: string | undefined): boolean {
  const format = typeof dateFormat === "string"
    ? /^(dd?|MM?)([./-])(dd?|MM?)\2yyyy$/.exec(
      dateFormat.trim(),
    )
    : null;
  if (format && format[2] === sep && format[1][0] !== format[3][0]) return format[1][0] === "d";
  return sep !== "/";
}

/** `YYYY-MM-DD`, or null for a day that does not exist (Date.UTC rolls 31/04 into May). */
function calendarDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}
