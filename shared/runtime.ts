/**
 * The live parts a fetcher needs, built once per process from the config: the database, the
 * object store, the keyring and the logger. Tests build their own instead.
 */
import type { Config } from "./config.ts";
import type { Keys } from "./credential_context.ts";
import { connect } from "./db.ts";
import { Keyring } from "./keyring.ts";
import { createLogger, type Level, type Logger } from "./logger.ts";
import { createS3Store, type ObjectStore } from "./s3.ts";
import { createStore, type Store } from "./store.ts";

export interface FetcherRuntime {
  store: Store;
  objects: ObjectStore;
  keyring: Keys;
  logger: Logger;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRuntime(config: Config, options: { logLevel?: Level } = {}): FetcherRuntime {
  const sql = connect(config.dbUrl, { max: config.dbPoolMax });
  return {
    store: createStore(sql),
    objects: createS3Store(config),
    keyring: Keyring.parse(config.encryptionKeys),
    logger: createLogger({ level: options.logLevel ?? "info" }),
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
