/**
 * GoodWe SEMS bodies to canonical readings. Pure: no fetch, no env, no clock. Both the full
 * envelope `{hasError, code, msg, data}` and its bare `data` object are accepted, so recorded
 * envelopes and hand-made test data map alike. Plant-local times are converted with the plant's
 * IANA zone (DST included); null and sentinel values are dropped and counted, never stored.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";
import { codeKind, describeAnswer } from "./errors.ts";
import { detailReadings } from "./map_detail.ts";
import { pacReadings } from "./map_pacs.ts";

export type GoodWeKind = "pac_by_day" | "monitor_detail";

export interface MapOptions {
  timeZone: string;
  /** The account's locale date format for the pac curve; `MM/dd/yyyy` when absent. */
  dateFormat?: string;
}

export interface Mapped {
  readings: Reading[];
  /** Values present but unusable: null, not a number, a wrong unit, or a sentinel. */
  dropped: number;
  /** How many of `dropped` were GoodWe's "no reading" sentinels (6553.5 V/A, 655.35 Hz). */
  sentinels: number;
}

export function toReadings(body: unknown, kind: GoodWeKind, options: MapOptions): Mapped {
  const data = unwrap(body, kind);
  return kind === "pac_by_day" ? pacReadings(data, options) : detailReadings(data, options);
}

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
