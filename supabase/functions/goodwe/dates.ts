/**
 * GoodWe's date-times are plant-local wall-clock times without an offset, `MM/dd/yyyy HH:mm:ss` by
 * default or in the account's locale format (`info.date_format`, e.g. `dd/MM/yyyy`; vendors.md
 * §4.4). Both real monitor-detail fixtures say `dd/MM/yyyy` yet print `info.time` and the
 * inverters' `last_refresh_time` as MM/dd (`01/10/2026` on 10 January), so which fields follow
 * the locale is not certain: `dateFormatFor` checks a format against the day that was asked for.
 */
export const DEFAULT_DATE_FORMAT = "MM/dd/yyyy";

interface Compiled {
  pattern: RegExp;
  /** Capture group of year, month and day. */
  order: { y: number; m: number; d: number };
}

const compiled = new Map<string, Compiled | null>();

/** `YYYY-MM-DDTHH:mm:ss` local time, or null when the text is not a real date in that format. */
export function parseSemsDate(text: unknown, format: string = DEFAULT_DATE_FORMAT): string | null {
  if (typeof text !== "string") return null;
  const c = compile(format) ?? compile(DEFAULT_DATE_FORMAT)!;
  const m = c.pattern.exec(text);
  if (!m) return null;
  const [y, mo, d] = [m[c.order.y], m[c.order.m], m[c.order.d]].map(Number);
  const [h, mi, s] = [m[4], m[5], m[6]].map((p) => Number(p ?? 0));
  const check = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 31/04 over into May; GoodWe never means that.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/**
 * The format that reads `sample` as a time on `day` (`YYYY-MM-DD`): the preferred one when it
 * does, else the default MM/dd/yyyy when that does, else the preferred one. For days up to the
 * 12th the two formats disagree, and only the requested day tells them apart.
 */
export function dateFormatFor(sample: unknown, day: string, preferred: string): string {
  for (const format of [preferred, DEFAULT_DATE_FORMAT]) {
    if (parseSemsDate(sample, format)?.slice(0, 10) === day) return format;
  }
  return preferred;
}

function compile(format: string): Compiled | null {
  let c = compiled.get(format);
  if (c !== undefined) return c;
  const tokens = format.match(/yyyy|MM?|dd?/g) ?? [];
  const valid = tokens.length === 3 && new Set(tokens.map((t) => t[0])).size === 3 &&
    format.replace(/yyyy|MM?|dd?/g, "").split("").every((ch) => /[\/.\- ]/.test(ch));
  c = null;
  if (valid) {
    const source = format.replace(/[.\-/]/g, "\\$&").replace(
      /yyyy|MM?|dd?/g,
      (t) => (t === "yyyy" ? "(\\d{4})" : "(\\d{1,2})"),
    );
    const at = (letter: string) => tokens.findIndex((t) => t[0] === letter) + 1;
    c = {
      pattern: new RegExp(`^\\s*${source}(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?\\s*$`),
      order: { y: at("y"), m: at("M"), d: at("d") },
    };
  }
  compiled.set(format, c);
  return c;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}
