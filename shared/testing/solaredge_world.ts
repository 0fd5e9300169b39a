/**
 * The in-process world the runner's and the queue worker's unit tests share: the SolarEdge
 * simulator with two good keys and one revoked, an in-memory store holding the three credentials,
 * S3 puts and log lines kept in memory, and a clock that the core's sleeps advance.
 */
import { solaredge } from "../../supabase/functions/solaredge/adapter.ts";
import { createSolarEdgeSimulator } from "../../local/simulators/solaredge.ts";
import { generateKey } from "../fernet.ts";
import { Keyring } from "../keyring.ts";
import { createLogger } from "../logger.ts";
import type { CredentialRow } from "../store.ts";
import { memoryStore } from "./memory_store.ts";

export const WORLD_NOW = new Date("2026-06-15T12:07:00Z");

export async function solarEdgeWorld() {
  const sim = createSolarEdgeSimulator({ now: () => WORLD_NOW });
  sim.addAccount({
    apiKey: "GOOD-KEY-0001",
    sites: [
      { siteId: 11, name: "A", timeZone: "Europe/Berlin", peakPowerKw: 5 },
      { siteId: 12, name: "B", timeZone: "America/New_York", peakPowerKw: 7 },
    ],
  });
  sim.addAccount({
    apiKey: "OTHER-KEY-0002",
    sites: [{ siteId: 21, name: "C", timeZone: "Asia/Tokyo", peakPowerKw: 3 }],
  });
  const keyring = Keyring.parse(generateKey());
  const cred = async (id: string, doc: unknown): Promise<CredentialRow> => ({
    id,
    organization_id: `org-${id}`,
    source: "solaredge",
    label: id,
    secret: await keyring.encrypt(JSON.stringify(doc)),
    status: "active",
  });
  const creds = [
    await cred("good", { apiKey: "GOOD-KEY-0001" }),
    await cred("revoked", { apiKey: "REVOKED-KEY-0003" }),
    await cred("other", { apiKey: "OTHER-KEY-0002" }),
  ];
  const store = memoryStore(creds);
  const puts = new Map<string, string>();
  const logs: string[] = [];
  let clock = WORLD_NOW.getTime();
  const deps = {
    adapter: solaredge,
    config: { lookbackHours: 2, catchUpMaxHours: 72, initialHistoryHours: 6, siteConcurrency: 4 },
    baseUrl: "http://sim.test/v2",
    store,
    objects: { put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)) },
    keyring,
    logger: createLogger({ write: (l) => logs.push(l) }),
    now: () => WORLD_NOW,
    http: {
      fetch: ((u: string, i?: RequestInit) => sim.handler(new Request(u, i))) as typeof fetch,
      sleep: (ms: number) => ((clock += ms), Promise.resolve()),
      now: () => clock,
      random: () => 0,
    },
  };
  return { sim, store, creds, puts, logs, deps };
}
