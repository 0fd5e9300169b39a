/**
 * The live parts a fetcher needs, built once per process from the config: the database, the
 * object store, the keyring, the logger, and the invocation whose open runs are closed on
 * `beforeunload`. Tests build their own instead.
 */
import type { Config } from "./config.ts";
import type { Keys } from "./credential_context.ts";
import { connect } from "./db.ts";
import { Invocation } from "./invocation.ts";
import { createJobStore, type JobStore } from "./job_store.ts";
import { Keyring } from "./keyring.ts";
import { createLogger, type Level, type Logger } from "./logger.ts";
import { createS3Store, type ObjectStore } from "./s3.ts";
import { createHealthStore, type HealthStore } from "./stores/health.ts";
import { createStore, type Store } from "./store.ts";

export interface FetcherRuntime {
  store: Store;
  objects: ObjectStore;
  keyring: Keys;
  logger: Logger;
  /** The queue's claims and leases (`POST /run {"queue":true}`); a test's runtime may omit it. */
  jobs?: JobStore;
  /** Site health and memberships for the status route; a test's runtime may omit it. */
  health?: HealthStore;
  /** Open runs (and later leases), released on `beforeunload`; a test's runtime may omit it. */
  invocation?: Invocation;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRuntime(
  config: Config,
  options: {
    logLevel?: Level;
    /** Where `beforeunload` comes from: the global scope, as in the edge runtime. */
    events?: EventTarget;
  } = {},
): FetcherRuntime {
  // Queries pipeline on few connections: opening one (TCP, SCRAM's key derivation, the type
  // lookup) costs the CPU of some 30 queries, so a pool that grows with every burst of parallel
  // sites spent a third of an invocation's CPU connecting. Row-lock transactions get their own.
  const sql = connect(config.dbUrl, { max: config.dbPoolMax });
  const locks = connect(config.dbUrl, { max: 2 });
  const logger = createLogger({ level: options.logLevel ?? "info" });
  const invocation = new Invocation(async (ids, reason) => {
    await sql`select private.close_runs(${ids}::uuid[], ${reason})`;
  }, logger);
  const stopListening = invocation.listen(options.events ?? globalThis);
  return {
    store: createStore(sql, locks),
    jobs: createJobStore(sql),
    health: createHealthStore(sql),
    objects: createS3Store(config),
    keyring: Keyring.parse(config.encryptionKeys),
    logger,
    invocation,
    ping: async () => {
      await sql`select 1`;
    },
    close: () => {
      stopListening();
      return Promise.all([sql.end({ timeout: 5 }), locks.end({ timeout: 5 })]).then(() => {});
    },
  };
}
