/**
 * `deno task bench --micro`: the two ratios measured before the fleet bench existed, kept so
 * earlier figures stay comparable. Ratios against baselines measured in the same run on the same
 * machine (absolute times vary between machines; ratios much less).
 *
 * 1. Run throughput: 48 sites over 4 credentials, the SolarEdge simulator over loopback HTTP with
 *    25 ms added per request (a vendor's latency), an in-memory store. Baseline: one site at a time
 *    per credential; measured: the default per-credential concurrency.
 * 2. Mapping: canonical readings from a 7-day quarter-hour series, against `JSON.parse` of the same
 *    body (the floor any mapping pays).
 */
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";
import { toReadings } from "../supabase/functions/solaredge/map.ts";
import { createSolarEdgeSimulator } from "../local/simulators/solaredge.ts";
import { generateKey } from "../shared/fernet.ts";
import { Keyring } from "../shared/keyring.ts";
import { createLogger } from "../shared/logger.ts";
import { runSync } from "../shared/runner.ts";
import { memoryStore } from "../shared/testing/memory_store.ts";
import type { CredentialRow } from "../shared/store.ts";

const LATENCY_MS = 25;
const NOW = new Date("2026-06-15T12:07:00Z");

async function runOnce(siteConcurrency: number) {
  const sim = createSolarEdgeSimulator({ now: () => NOW, perMinuteLimit: 10_000 });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    return sim.handler(req);
  });
  const keyring = Keyring.parse(generateKey());
  const creds: CredentialRow[] = [];
  for (let c = 0; c < 4; c++) {
    const apiKey = `bench-key-${c}-000000`;
    sim.addAccount({
      apiKey,
      sites: Array.from({ length: 12 }, (_, i) => ({
        siteId: 1000 + c * 100 + i,
        name: `s${i}`,
        timeZone: ["Europe/Berlin", "America/Denver", "Asia/Tokyo"][i % 3],
        peakPowerKw: 10,
      })),
    });
    creds.push({
      id: `c${c}`,
      organization_id: "bench",
      source: "solaredge",
      label: `c${c}`,
      secret: await keyring.encrypt(JSON.stringify({ apiKey })),
      status: "active",
    });
  }
  const started = performance.now();
  const summary = await runSync({
    adapter: solaredge,
    config: { lookbackHours: 2, catchUpMaxHours: 72, initialHistoryHours: 24, siteConcurrency },
    baseUrl: `http://127.0.0.1:${server.addr.port}/v2`,
    store: memoryStore(creds),
    objects: { put: () => Promise.resolve() },
    keyring,
    logger: createLogger({ level: "error" }),
    now: () => NOW,
  }, { trigger: "cli" });
  const ms = performance.now() - started;
  await server.shutdown();
  if (summary.counts.sitesSucceeded !== 48) {
    throw new Error("Benchmark run did not sync every site");
  }
  return { ms, calls: summary.counts.apiCalls };
}

function timeLoop(fn: () => void, iterations: number): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return (performance.now() - started) / iterations;
}

function sevenDaySeries(): string {
  const values = [];
  const start = Date.parse("2026-06-01T00:00:00Z");
  for (let i = 0; i < 7 * 96; i++) {
    const t = new Date(start + i * 900_000 + 7_200_000).toISOString().slice(0, 19) + "+02:00";
    values.push({ timestamp: t, value: i % 96 < 24 ? null : 1000 + (i % 37) });
  }
  return JSON.stringify({ unit: "W", resolution: "QUARTER_HOUR", values });
}

export async function runMicro(log: (line: string) => void = console.log): Promise<void> {
  const baseline = await runOnce(1);
  const measured = await runOnce(solaredge.spec.rateLimits.concurrency);
  const body = sevenDaySeries();
  const parseMs = timeLoop(() => JSON.parse(body), 300);
  const mapMs = timeLoop(() => toReadings(JSON.parse(body), "power"), 300);

  log(`Run of 48 sites, ${LATENCY_MS} ms vendor latency, ${measured.calls} API calls:`);
  log(`  baseline (1 site at a time per credential): ${baseline.ms.toFixed(0)} ms`);
  log(
    `  default concurrency (${solaredge.spec.rateLimits.concurrency}): ${
      measured.ms.toFixed(0)
    } ms`,
  );
  log(`  speed-up: ${(baseline.ms / measured.ms).toFixed(2)}x`);
  log(`Mapping a 7-day quarter-hour series (${7 * 96} values):`);
  log(`  JSON.parse alone: ${parseMs.toFixed(3)} ms; parse + map: ${mapMs.toFixed(3)} ms`);
  log(`  mapping cost: ${(mapMs / parseMs).toFixed(2)}x JSON.parse`);
}
