/** One sync run of the Enphase adapter over an in-memory store, as the core-path tests need it. */
import { createLogger } from "../logger.ts";
import { runSync } from "../runner.ts";
import type { Keyring } from "../keyring.ts";
import type { MemoryStore } from "./memory_store.ts";
import type { VendorConfig } from "../types.ts";
import { enphase } from "../../supabase/functions/enphase/adapter.ts";

export function runEnphaseOnce(options: {
  store: MemoryStore;
  keyring: Keyring;
  vendor: VendorConfig;
  handler: (req: Request) => Promise<Response> | Response;
  now: Date;
}) {
  return runSync({
    adapter: enphase,
    config: { lookbackHours: 2, catchUpMaxHours: 72, initialHistoryHours: 6, siteConcurrency: 1 },
    baseUrl: "http://sim.test/api/v4",
    store: options.store,
    objects: { put: () => Promise.resolve() },
    keyring: options.keyring,
    vendorConfig: options.vendor,
    logger: createLogger({ write: () => {} }),
    now: () => options.now,
    http: {
      fetch: ((u: string, i?: RequestInit) =>
        Promise.resolve(options.handler(new Request(u, i)))) as typeof fetch,
    },
  }, { trigger: "manual" });
}
