/**
 * GoodWe SEMS bodies to canonical readings. Pure: no fetch, no env, no clock. Both the full
 * envelope `{hasError, code, msg, data}` and its bare `data` object are accepted, so recorded
 * envelopes and hand-made test data map alike. Plant-local times are converted with the plant's
 * IANA zone (DST included); null and sentinel values are dropped and counted, never stored, and
 * values that cannot be read are listed apart (`unreadable`) so that a response nobody can read
 * fails its window instead of passing as an empty one (shared/unreadable.ts).
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";
import { assertReadable, type UnreadableField } from "../../../shared/unreadable.ts";
import { codeKind, describeAnswer } from "./errors.ts";
import { detailReadings } from "./map_detail.ts";
import { pacReadings } from "./map_pacs.ts";

export type GoodWeKind = "pac_by_day" | "monitor_detail";

export interface MapOptions {
  timeZone: string;
  /**
   * The account's `info.date_format` for locale-printed dates (the pac curve); the monitor detail
   * carries its own. Only consulted for dates whose day and month both fit (dates.ts).
   */
  dateFormat?: string;
  /** `YYYY-MM-DD`: the plant-local day a pac curve was asked for, which settles 03/04 dates. */
  day?: string;
}

export interface Mapped {
  readings: Reading[];
  /** Genuine gaps: null or empty values and sentinels (unreadable values are not counted). */
  dropped: number;
  /** How many of `dropped` were GoodWe's "no reading" sentinels (6553.5 V/A, 655.35 Hz). */
  sentinels: number;
  /** Values present but unreadable (a date in no known shape, a non-numeric value), per field. */
  unreadable: UnreadableField[];
}

export function toReadings(body: unknown, kind: GoodWeKind, options: MapOptions): Mapped {
  const data = unwrap(body, kind);
  return kind === "pac_by_day" ? pacReadings(data, options) : detailReadings(data, options);
}

/**
 * `toReadings`, but a response with values of which not one could be read is a BadRecordError
 * naming the field and a sample value instead of an empty result (shared/unreadable.ts).
 */
export function toReadableReadings(body: unknown, kind: GoodWeKind, options: MapOptions): Mapped {
  const mapped = toReadings(body, kind, options);
  assertReadable(`GoodWe ${kind} response`, { ...mapped, responses: [], ...NO_INTERVALS });
  return mapped;
}

const NO_INTERVALS = { intervalsExpected: 0, intervalsReceived: 0 };

function unwrap(body: unknown, kind: GoodWeKind): Record<string, unknown> {
  if (!isObject(body)) {
    throw new BadRecordError(`Cannot read GoodWe ${kind} response: expected a JSON object`);
  }
  // An envelope carries `code`; no data object of these endpoints has one.
  if (!("code" in body) && !("hasError" in body)) return body;
  if (codeKind(body.code) !== "ok") {
    throw new BadRecordError(
      `Cannot read GoodWe ${kind} response: GoodWe answered ${describeAnswer(body)}`,
    );
  }
  if (!isObject(body.data)) {
    throw new BadRecordError(`Cannot read GoodWe ${kind} response: data is missing`);
  }
  return body.data;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
