/**
 * The record of every function invocation the local gateway ran: what it cost (CPU, wall time,
 * peak memory) and how it ended. Kept in memory for `GET /functions/v1/_invocations` and appended
 * as JSON lines to `.local/stack/logs/invocations.jsonl`, so tests and the benchmark can read them.
 */

/** How an invocation ended: normally, or killed at one of the Edge limits (edge_limits.ts). */
export type InvocationEnd = "ok" | "killed_cpu" | "killed_wall" | "killed_memory" | "crashed";

export interface InvocationRecord {
  function: string;
  method: string;
  /** The path the function saw, with its query: `/<name>/<rest>?<query>`. */
  path: string;
  /** ISO time the gateway handed the request to the worker. */
  start: string;
  /**
   * CPU time of the worker's main thread (its JavaScript) from the request until its response and
   * `waitUntil` work ended: what the CPU limit counts. Nanosecond source, rounded to 0.1 ms.
   */
  cpu_ms: number;
  /** CPU time of every thread of the worker (V8's compiler and GC helpers too), 10 ms steps. */
  process_cpu_ms: number;
  wall_ms: number;
  /** Peak resident memory of the worker process during the invocation. */
  peak_rss_mb: number;
  ended: InvocationEnd;
  /** HTTP status the caller got (546 when the worker was killed before it answered). */
  status: number;
  worker_pid: number;
}

export interface InvocationFilter {
  function?: string;
  /** Only invocations that started at or after this ISO time. */
  since?: string;
}

export interface InvocationLog {
  add(record: InvocationRecord): void;
  list(filter?: InvocationFilter): InvocationRecord[];
  /** Resolves when every record added so far is in the file. */
  flushed(): Promise<void>;
}

export function createInvocationLog(options: { file?: string; keep?: number } = {}): InvocationLog {
  const keep = options.keep ?? 10_000;
  const records: InvocationRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  return {
    add(record) {
      records.push(record);
      if (records.length > keep) records.splice(0, records.length - keep);
      const file = options.file;
      if (file === undefined) return;
      writing = writing.then(() =>
        Deno.writeTextFile(file, JSON.stringify(record) + "\n", { append: true })
      ).catch((error) => console.error(`gateway: cannot write ${file}:`, error));
    },
    list(filter = {}) {
      return records.filter((r) =>
        (filter.function === undefined || r.function === filter.function) &&
        (filter.since === undefined || r.start >= filter.since)
      );
    },
    flushed: () => writing,
  };
}

/** Reads a JSON-lines file written by an invocation log; a missing file holds no invocation. */
export async function readInvocations(file: string): Promise<InvocationRecord[]> {
  try {
    return (await Deno.readTextFile(file)).split("\n").filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as InvocationRecord);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
