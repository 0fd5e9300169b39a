import { BadRecordError } from "./errors.ts";
import type { HttpResult } from "./http.ts";

/** Parses a vendor body; a truncated or HTML body is a bad record, not a crash. */
export function parseJson(result: HttpResult, label: string): unknown {
  try {
    return JSON.parse(result.text);
  } catch {
    const kind = /^\s*</.test(result.text) ? "an HTML page" : "malformed JSON";
    throw new BadRecordError(`Cannot read ${label}: received ${kind} instead of JSON`);
  }
}
