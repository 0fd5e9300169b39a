/**
 * An AdapterContext for unit tests that runs the real core path (decryption, token manager,
 * pacing, retries) against a simulator's handler in-process, with a clock that advances when the
 * code sleeps, so retries and backoff cost no wall time.
 */
import { openCredential } from "../credential_context.ts";
import { generateKey } from "../fernet.ts";
import { Keyring } from "../keyring.ts";
import { createLogger } from "../logger.ts";
import type { Adapter, AdapterContext, VendorConfig } from "../types.ts";
import { memoryStore } from "./memory_store.ts";

export interface SimContextOptions {
  handler: (req: Request) => Promise<Response> | Response;
  baseUrl: string;
  vendorConfig?: VendorConfig;
  now?: Date;
  plan?: Record<string, unknown>;
  /** Per-attempt timeout; short in tests of a hanging vendor. */
  timeoutMs?: number;
}

export async function simContext<S>(
  adapter: Adapter<S>,
  secret: unknown,
  options: SimContextOptions,
): Promise<
  {
    ctx: AdapterContext<S>;
    store: ReturnType<typeof memoryStore>;
    keyring: Keyring;
    logs: string[];
  }
> {
  const keyring = Keyring.parse(generateKey());
  let clock = (options.now ?? new Date()).getTime();
  const store = memoryStore([{
    id: "cred-1",
    organization_id: "org-1",
    source: adapter.spec.source,
    label: "test",
    secret: await keyring.encrypt(JSON.stringify(secret)),
    status: "active",
    plan: options.plan,
  }], { now: () => new Date(clock) });
  const logs: string[] = [];
  const ctx = await openCredential(adapter, store.creds[0], {
    baseUrl: options.baseUrl,
    vendorConfig: options.vendorConfig ?? {},
    keyring,
    store,
    logger: createLogger({ write: (l) => logs.push(l) }),
    now: () => new Date(clock),
    countCall: () => {},
    http: {
      fetch: ((input: string, init?: RequestInit) =>
        Promise.resolve(options.handler(new Request(input, init)))) as typeof fetch,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
      now: () =>
        clock,
      random: () => 0,
      timeoutMs: options.timeoutMs,
    },
  });
  return { ctx, store, keyring, logs };
}
