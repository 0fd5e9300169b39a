/**
 * The local stand-in for pg_net's background worker: takes requests from
 * `net.http_request_queue`, performs them concurrently and records each outcome in
 * `net._http_response`. `net.wake()` (called by http_get/http_post) sends a NOTIFY that arrives at
 * commit; a short poll covers rows inserted without it and a dropped LISTEN connection.
 * Rows are deleted as they are taken (`for update skip locked`), so delivery is at-most-once and
 * several workers can share one queue, as with pg_net. A failing request or database error is
 * recorded or logged, never fatal.
 */
import postgres from "postgres";
import { wakeListener } from "./pg_net_listener.ts";
import { performRequest, type QueueRow } from "./pg_net_request.ts";

/** The NOTIFY channel of local/compat/extension/pg_net--0.20.4.sql (`net.wake()`). */
export const pgNetWakeChannel = "pg_net_wake";

export interface PgNetWorkerOptions {
  dbUrl: string;
  signal?: AbortSignal;
  /** Fallback poll interval (default 500 ms). */
  pollMs?: number;
  /** Maximum requests in flight, like pg_net.batch_size (default 200). */
  batchSize?: number;
  fetch?: typeof fetch;
  log?: (message: string) => void;
}

export interface PgNetWorker {
  /** `listening` when LISTEN is active and the queue was read; otherwise what is wrong. */
  status(): string;
  /** Settles once the worker has stopped after `signal` aborted. */
  stopped: Promise<void>;
}

const ttlCheckMs = 60_000;

export function startPgNetWorker(options: PgNetWorkerOptions): PgNetWorker {
  const { dbUrl, signal, pollMs = 500, batchSize = 200, log = console.error } = options;
  const sql = postgres(dbUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "pg_net worker" },
  });
  const inflight = new Set<Promise<void>>();
  let state = "starting";
  let wake = () => {};
  const listener = wakeListener(sql, pgNetWakeChannel, () => wake());
  let lastTtlCheck = 0;

  const report = (problem: string) => {
    if (state !== problem) log(`pg_net worker: ${problem}`);
    state = problem;
  };

  const perform = async (row: QueueRow) => {
    const r = await performRequest(row, { fetch: options.fetch, signal });
    const headers = r.headers === null ? null : sql.json(r.headers);
    try {
      await sql`insert into net._http_response
        (id, status_code, content_type, headers, content, timed_out, error_msg)
        values (${r.id}, ${r.status_code}, ${r.content_type}, ${headers}, ${r.content},
          ${r.timed_out}, ${r.error_msg})`;
    } catch (error) {
      log(
        `pg_net worker: cannot record the response of request ${r.id}: ${(error as Error).message}`,
      );
    }
  };

  const drain = async () => {
    while (!signal?.aborted) {
      const room = batchSize - inflight.size;
      if (room <= 0) {
        await Promise.race(inflight);
        continue;
      }
      const rows = await sql<QueueRow[]>`
        with rows as (
          select id from net.http_request_queue order by id limit ${room} for update skip locked
        )
        delete from net.http_request_queue q using rows where q.id = rows.id
        returning q.id::text as id, q.method::text as method, q.url, q.timeout_milliseconds,
          array(select key || ': ' || value from jsonb_each_text(q.headers)) as headers, q.body`;
      for (const row of rows) {
        const task: Promise<void> = perform(row).finally(() => inflight.delete(task));
        inflight.add(task);
      }
      if (rows.length < room) return;
    }
  };

  const expireResponses = async () => {
    if (Date.now() - lastTtlCheck < ttlCheckMs) return;
    lastTtlCheck = Date.now();
    // pg_net.ttl defaults to 6 hours.
    await sql`delete from net._http_response where created < now() - interval '6 hours'`;
  };

  const loop = async () => {
    while (!signal?.aborted) {
      const woken = new Promise<void>((resolve) => wake = resolve);
      try {
        await listener.ensure();
        await drain();
        await expireResponses();
        if (state !== "listening") log("pg_net worker: listening");
        state = "listening";
      } catch (error) {
        report(`cannot read net.http_request_queue: ${(error as Error).message}`);
      }
      await Promise.race([woken, delay(pollMs, signal)]);
    }
    await Promise.allSettled([...inflight]);
    await sql.end({ timeout: 2 });
    state = "stopped";
  };

  return { status: () => state, stopped: loop() };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
