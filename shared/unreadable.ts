/**
 * Values a mapping could not read (an unparseable timestamp, a value that is neither a number nor
 * null), kept apart from genuine gaps (`null`, sentinels) so that a response nobody can read is
 * never mistaken for a quiet night: `assertReadable` turns "nothing readable, something unread"
 * into a BadRecordError naming the field and one sample value, before anything is uploaded or the
 * watermark moves.
 */
import { BadRecordError } from "./errors.ts";
import type { SiteData } from "./types.ts";

/** One field whose values could not be read: how many, and the first value seen. */
export interface UnreadableField {
  field: string;
  count: number;
  sample: string;
}

/** Collects unreadable values per field while a mapping walks a response. */
export class UnreadableValues {
  readonly #fields = new Map<string, UnreadableField>();

  /** Notes one value of `field` (e.g. `values[].timestamp`) that could not be read. */
  note(field: string, value: unknown): void {
    const entry = this.#fields.get(field);
    if (entry) entry.count++;
    else this.#fields.set(field, { field, count: 1, sample: sampleOf(value) });
  }

  get count(): number {
    let n = 0;
    for (const f of this.#fields.values()) n += f.count;
    return n;
  }

  list(): UnreadableField[] {
    return [...this.#fields.values()];
  }

  /** Adds another collector's fields (one per response) into this one. */
  merge(other: readonly UnreadableField[] | undefined): void {
    for (const f of other ?? []) {
      const entry = this.#fields.get(f.field);
      if (entry) entry.count += f.count;
      else this.#fields.set(f.field, { ...f });
    }
  }
}

/**
 * Throws when a window's responses held values but not one reading could be read from them. A
 * window whose vendor data is genuinely empty (no values, or only nulls) passes.
 */
export function assertReadable(label: string, data: SiteData): void {
  const unread = data.unreadable ?? [];
  if (data.readings.length > 0 || unread.length === 0) return;
  const detail = unread.map((f) => `${f.field} (${f.count} unreadable, e.g. ${f.sample})`)
    .join("; ");
  throw new BadRecordError(`Cannot read any value of ${label}: ${detail}`);
}

function sampleOf(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
