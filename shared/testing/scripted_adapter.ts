/**
 * A scripted vendor for unit tests of the run core: each site answers with a number of real calls
 * through `ctx.http` (so the core's counting, pacing and retries run as in production) and then an
 * outcome the test chose: readings, or an error of one of the kinds in errors.ts.
 */
import { generateKey } from "../fernet.ts";
import { Keyring } from "../keyring.ts";
import { createLogger } from "../logger.ts";
import { emptySiteData } from "../site_data.ts";
import type { CredentialRow } from "../store.ts";
import type { Adapter } from "../types.ts";
import { memoryStore } from "./memory_store.ts";

export interface ScriptedSite {
  id: string;
  /** Calls made through `ctx.http` before the outcome. */
  calls?: number;
  /** Thrown after the calls instead of returning data. */
  error?: Error;
  /** Milliseconds of (real) wait between calls, so parallel sites interleave. */
  delayMs?: number;
}

export async function scriptedWorld(
  credentials: Record<string, ScriptedSite[]>,
  options: { siteConcurrency?: number; concurrency?: number } = {},
) {
  const keyring = Keyring.parse(generateKey());
  const fetched: string[] = [];
  let calls = 0;
  const script = new Map<string, ScriptedSite>();
  for (const sites of Object.values(credentials)) for (const s of sites) script.set(s.id, s);
  const adapter: Adapter<{ credential: string }> = {
    spec: {
      source: "solaredge",
      apiVersion: "test",
      baseUrl: "http://scripted.test",
      auth: "apiKey",
      pageSize: 100,
      maxRangeHours: 24,
      resolutionMinutes: 15,
      rateLimits: { concurrency: options.concurrency ?? 4 },
      endpoints: ["/sites", "/data"],
    },
    parseSecret: (doc) => ({ secret: doc as { credential: string }, sensitive: [] }),
    authHeaders: () => ({}),
    async fetchSitesList(ctx) {
      await ctx.http({ url: `${ctx.baseUrl}/sites`, label: "scripted /sites" });
      return credentials[ctx.secret.credential].map((s) => ({
        vendorSiteId: s.id,
        timezone: "UTC",
      }));
    },
    async fetchSiteData(ctx, site) {
      const s = script.get(site.vendorSiteId)!;
      fetched.push(s.id);
      for (let i = 0; i < (s.calls ?? 1); i++) {
        if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
        await ctx.http({ url: `${ctx.baseUrl}/data/${s.id}`, label: "scripted /data" });
      }
      if (s.error) throw s.error;
      return emptySiteData();
    },
  };
  const rows: CredentialRow[] = [];
  for (const id of Object.keys(credentials)) {
    rows.push({
      id,
      organization_id: `org-${id}`,
      source: "solaredge",
      label: id,
      secret: await keyring.encrypt(JSON.stringify({ credential: id })),
      status: "active",
    });
  }
  const store = memoryStore(rows);
  const puts = new Map<string, string>();
  const now = new Date("2026-06-15T12:07:00Z");
  const deps = {
    adapter,
    config: {
      lookbackHours: 2,
      catchUpMaxHours: 72,
      initialHistoryHours: 6,
      siteConcurrency: options.siteConcurrency ?? 1,
    },
    baseUrl: "http://scripted.test",
    store,
    objects: {
      put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)),
    } as { put(k: string, b: string): Promise<void> },
    keyring,
    logger: createLogger({ write: () => {} }),
    now: () => now,
    http: {
      fetch: (() => {
        calls++;
        return Promise.resolve(new Response("{}", { status: 200 }));
      }) as typeof fetch,
      sleep: () => Promise.resolve(),
      random: () => 0,
    },
  };
  return { deps, store, puts, fetched, calls: () => calls, now };
}
