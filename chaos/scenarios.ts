/**
 * The faults `deno task chaos` drives the stack through, one world each (world.ts). A scenario
 * arms its faults, may act while a cycle works (a kill, a restart, a racing resync), and says
 * when its faults end; the runner then drives cycles until the checker finds the world whole.
 * `short` scenarios are the form `deno task test` runs.
 */
import type postgres from "postgres";
import { startPostgres, stopPostgres } from "../local/postgres_cluster.ts";
import { stackEnv } from "../local/stack_env.ts";
import { invocationsSince, setLatency } from "../bench/measure.ts";
import { simUrl } from "../bench/seed.ts";
import { generateKey } from "../shared/fernet.ts";
import { stackUp } from "../local/stack.ts";
import { stackPaths } from "../local/stack_paths.ts";
import {
  type ChaosWorld,
  createEnphaseWorld,
  post,
  reseedSimulator,
  S3_FAULTS,
  SIM,
  type WorldPlan,
} from "./world.ts";

export interface Scenario {
  name: string;
  /** What is injected, for the table. */
  faults: string;
  short?: boolean;
  /** The SolarEdge world to build; `SMALL_PLAN` when omitted (and unused with `world`). */
  plan?: WorldPlan;
  /**
   * Arms the faults; the number armed. For faults of the simulator or the S3 proxy the table
   * counts those that fired; a scenario whose fault is an act (a kill, a restart) counts its acts.
   */
  arm(world: ChaosWorld): Promise<number>;
  acts?: true;
  /** The faults injected, when the scenario counts them itself (kills seen by the gateway). */
  count?(): number;
  /** Acts while cycle `n` (from 1) works; the number of acts done (a kill that found a worker). */
  during?(sql: postgres.Sql, world: ChaosWorld, n: number): Promise<number>;
  /** Fires the cron cycle twice at once. */
  overlap?: boolean;
  /** Ends the faults after cycle `n` (an outage that recovers). */
  after?(world: ChaosWorld, n: number, sql: postgres.Sql): Promise<void>;
  /** How long a cycle may take before the next one (default 120 s). */
  cycleTimeoutMs?: number;
  /** Cycles to run even when the world is whole earlier. */
  minCycles?: number;
  /** The scenario's own proof after a cycle: the problems it finds, none when it holds. */
  verify?(sql: postgres.Sql, world: ChaosWorld): Promise<string[]>;
  /** Builds the world instead of the SolarEdge one of `plan`. */
  world?(sql: postgres.Sql): Promise<ChaosWorld>;
  /** Puts the stack back as it was, whatever happened. */
  cleanup?(sql: postgres.Sql): Promise<void>;
}

export const SMALL_PLAN: WorldPlan = { credentials: 2, sitesPerCredential: 2, hoursBehind: 1 };

/** A fault of the SolarEdge simulator on each of the world's keys. */
async function perKey(world: ChaosWorld, fault: Record<string, unknown>): Promise<number> {
  for (const c of world.credentials) await post(`${SIM}/faults`, { ...fault, apiKey: c.apiKey });
  return world.credentials.length * (fault.count as number);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGKILL to every function worker of this stack (`local/worker_main.ts` processes, found in
 * /proc), as a host that dies takes them: no `beforeunload`. The number killed.
 */
async function killFunctionWorkers(): Promise<number> {
  let killed = 0;
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    // This stack's only: its workers run with this checkout's deno.json.
    if (!cmdline.includes("local/worker_main.ts") || !cmdline.includes(stackPaths.root)) continue;
    try {
      Deno.kill(Number(entry.name), "SIGKILL");
      killed++;
    } catch {
      // Ended meanwhile.
    }
  }
  return killed;
}

/** A resync as an operator asks it, with the service key; anything but a 202 stops the scenario. */
async function resync(vendor: string, siteId: string, range: { from?: string; to?: string }) {
  const res = await fetch(
    `${stackEnv.SUPABASE_URL}/functions/v1/${vendor}/sites/${siteId}/resync`,
    {
      method: "POST",
      headers: { apikey: stackEnv.SUPABASE_SERVICE_KEY, "content-type": "application/json" },
      body: JSON.stringify(range),
    },
  );
  const text = await res.text();
  if (res.status !== 202) {
    throw new Error(`The resync of ${siteId} answered ${res.status}: ${text}`);
  }
}

export const SCENARIOS: Scenario[] = [
  {
    name: "rate-limit-retry-after",
    faults: "429 with Retry-After: 1 s, 3 per key",
    short: true,
    arm: (w) => perKey(w, { kind: "429", count: 3, retryAfter: 1 }),
  },
  {
    name: "rate-limit-bare",
    faults: "429 without Retry-After, 3 per key",
    arm: (w) => perKey(w, { kind: "429", count: 3 }),
  },
  {
    name: "server-errors",
    faults: "bursts of 5xx (problem+json and the balancer's text), 6 per key",
    short: true,
    arm: (w) => perKey(w, { kind: "5xx", count: 6 }),
  },
  {
    name: "bad-bodies",
    faults: "truncated JSON and HTML error pages, 2 + 2 per key",
    short: true,
    arm: async (w) =>
      await perKey(w, { kind: "malformed", count: 2 }) +
      await perKey(w, { kind: "html", count: 2 }),
  },
  {
    name: "hanging-calls",
    faults: "calls that hang past the 30 s timeout, 2 per key",
    arm: (w) => perKey(w, { kind: "hang", count: 2 }),
  },
  {
    name: "outage-6h",
    faults: "every call fails through six hourly cycles (jobs retried until dead, then queued " +
      "again), then the vendor recovers and six hours are caught up",
    plan: { credentials: 2, sitesPerCredential: 2, hoursBehind: 6 },
    minCycles: 7,
    arm: (w) => perKey(w, { kind: "5xx", count: 5000 }),
    after: async (_w, n) => {
      if (n === 6) await (await fetch(`${SIM}/faults`, { method: "DELETE" })).body?.cancel();
    },
  },
  {
    name: "s3-faults",
    faults: "S3 503 SlowDown x4 and connection resets x4 in front of moto",
    short: true,
    arm: async () => {
      await post(S3_FAULTS, { kind: "slowdown", count: 4 });
      await post(S3_FAULTS, { kind: "reset", count: 4 });
      return 8;
    },
  },
  {
    name: "broken-credentials",
    faults: "credentials that do not decrypt (another key, a corrupted token), miss a field, " +
      "have a wrong type or are not JSON, beside two good ones",
    short: true,
    plan: {
      ...SMALL_PLAN,
      bad: ["wrong-key", "corrupted", "missing-field", "wrong-type", "not-json"],
    },
    acts: true,
    arm: () => Promise.resolve(5),
  },
  {
    name: "s3-timeout",
    faults:
      "S3 attempts with no answer for 25 s, 3 (one gives up at 6.7 s and is retried; a put at 20 s)",
    arm: async () => {
      await post(S3_FAULTS, { kind: "timeout", count: 3, hangMs: 25_000 });
      return 3;
    },
  },
  {
    name: "overlapping-cycles",
    acts: true,
    faults: "two cron cycles at once, and a dashboard resync racing them",
    short: true,
    overlap: true,
    arm: () => Promise.resolve(0),
    during: async (_sql, w, n) => {
      if (n !== 1) return 0;
      await resync("solaredge", w.credentials[0].sites[0].vendorSiteId, {});
      return 2;
    },
  },
  {
    name: "dst-days",
    faults: "resyncs of six 2026 DST days (Berlin, New York, Sydney)",
    short: true,
    plan: {
      credentials: 1,
      sitesPerCredential: 3,
      hoursBehind: 1,
      zones: ["Europe/Berlin", "America/New_York", "Australia/Sydney"],
    },
    arm: () => Promise.resolve(0),
    acts: true,
    during: async (_sql, w, n) => {
      if (n !== 1) return 0;
      // Spring forward and fall back in the EU and the US, and Sydney's April and October.
      const days = [
        "2026-03-08",
        "2026-03-29",
        "2026-04-05",
        "2026-10-04",
        "2026-10-25",
        "2026-11-01",
      ];
      let acts = 0;
      for (const day of days) {
        const from = new Date(`${day}T00:00:00Z`);
        const range = {
          from: new Date(from.getTime() - 12 * 3_600_000),
          to: new Date(from.getTime() + 36 * 3_600_000),
        };
        for (const site of w.credentials[0].sites) {
          await resync("solaredge", site.vendorSiteId, {
            from: range.from.toISOString(),
            to: range.to.toISOString(),
          });
        }
        w.resyncs.push(range);
        acts++;
      }
      return acts;
    },
  },
  {
    name: "worker-killed",
    acts: true,
    short: true,
    faults: "every function worker killed mid-run (vendor latency 500 ms)",
    plan: { credentials: 2, sitesPerCredential: 3, hoursBehind: 1 },
    arm: async () => {
      await setLatency(500);
      return 0;
    },
    during: async (_sql, _w, n) => {
      if (n !== 1) return 0;
      await sleep(1200);
      return await killFunctionWorkers() > 0 ? 1 : 0;
    },
  },
  {
    name: "postgres-restart",
    acts: true,
    faults: "Postgres restarted while a run works (vendor latency 500 ms)",
    plan: { credentials: 2, sitesPerCredential: 3, hoursBehind: 1 },
    arm: async () => {
      await setLatency(500);
      return 0;
    },
    during: async (_sql, _w, n) => {
      if (n !== 1) return 0;
      await sleep(1200);
      await stopPostgres();
      await sleep(1000);
      await startPostgres();
      return 1;
    },
  },
  keyRotation(),
  cpuLimit(),
  tokenRace(),
  mixedHours(),
];

/**
 * Six hours in one world, each with another fault: every hour the sites' watermarks move back
 * an hour (the hour passing: each site is due again and re-fetches its current window) and the
 * hour's fault is armed. Each window must still hold exactly one object with the simulator's
 * values at the end.
 */
function mixedHours(): Scenario {
  const hours: Array<(w: ChaosWorld) => Promise<number>> = [
    (w) => perKey(w, { kind: "429", count: 2, retryAfter: 1 }),
    (w) => perKey(w, { kind: "5xx", count: 4 }),
    async () => {
      await post(S3_FAULTS, { kind: "slowdown", count: 3 });
      return 3;
    },
    (w) => perKey(w, { kind: "malformed", count: 1 }),
    async () => {
      await post(S3_FAULTS, { kind: "reset", count: 3 });
      return 3;
    },
    (w) => perKey(w, { kind: "html", count: 1 }),
  ];
  return {
    name: "mixed-hours",
    faults: "six hours, each with another fault: 429, 5xx, S3 SlowDown, truncated JSON, S3 " +
      "resets, HTML pages",
    plan: { credentials: 2, sitesPerCredential: 3, hoursBehind: 1 },
    minCycles: hours.length,
    arm: (w) => hours[0](w),
    after: async (w, n, sql) => {
      if (n >= hours.length) return;
      await sql`
        update public.inverter_sites set synced_through = synced_through - interval '1 hour'
        where organization_id = ${w.orgId}`;
      await hours[n](w);
    },
  };
}

const ENPHASE_SIM = simUrl("enphase");

async function refreshGrants(): Promise<number> {
  const log = await (await fetch(`${ENPHASE_SIM}/requests`)).json() as {
    token: { grants: string[] };
  };
  return log.token.grants.filter((g) => g === "refresh_token").length;
}

/**
 * Token expiry and rotation races: Enphase homeowners whose access tokens live one second (so
 * every run renews), two cron cycles fired at once and a dashboard resync racing them. Enphase
 * rotates refresh tokens and refuses a used one (invalid_grant), so a renewal that raced another
 * would leave the credential needing re-authorisation: every credential must stay active, and
 * every site sync, through two cycles.
 */
function tokenRace(): Scenario {
  let before = 0;
  let renewed = 0;
  return {
    name: "token-race",
    acts: true,
    short: true,
    faults: "Enphase access tokens that live 1 s (rotating refresh tokens), two cycles at once " +
      "and a resync racing them",
    overlap: true,
    minCycles: 2,
    // The lifetime holds for tokens issued after it is set: the owners connect under it.
    world: async (sql) => {
      before = await refreshGrants();
      await post(`${ENPHASE_SIM}/token-lifetime`, { seconds: 1 });
      return await createEnphaseWorld(sql, "token-race", {
        owners: 2,
        sitesPerOwner: 2,
        hoursBehind: 1,
      });
    },
    arm: async () => {
      await sleep(1500);
      return 0;
    },
    during: async (_sql, w, n) => {
      if (n !== 1) return 0;
      await resync("enphase", w.owners[0].sites[0].vendorSiteId, {});
      return 1;
    },
    // The checker sees the windows and searches the issued tokens; the race's own proof is that
    // every credential is still active after the renewals.
    verify: async (sql, w) => {
      renewed = (await refreshGrants()) - before;
      const problems = renewed >= 2
        ? []
        : [`only ${renewed} token renewals: the tokens did not expire`];
      const creds = await sql<{ label: string; status: string; status_reason: string | null }[]>`
        select label, status, status_reason from public.inverter_credentials
        where organization_id = ${w.orgId} and status <> 'active'`;
      for (const c of creds) {
        problems.push(`credential ${c.label} is ${c.status}: ${c.status_reason}`);
      }
      return problems;
    },
    count: () => renewed,
    cleanup: async () => {
      await post(`${ENPHASE_SIM}/token-lifetime`, { seconds: 86_393 }).catch(() => {});
    },
  };
}

/**
 * Restarts the stack's services (gateway, functions, simulators) with these variables set, or
 * unset where undefined; the simulator forgets its accounts, so the world's are added again.
 */
async function restartServices(
  env: Record<string, string | undefined>,
  world?: ChaosWorld,
): Promise<void> {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) Deno.env.delete(name);
    else Deno.env.set(name, value);
  }
  await stackUp({ restartServices: true, log: () => {} });
  if (world) await reseedSimulator(world);
}

/**
 * Workers killed at the Edge CPU limit: the services run with a CPU limit of 60 ms per request,
 * so every run is stopped (beforeunload, then killed) partway; then the limit is back to 2 s and
 * the next cycle finishes the work. Nothing may be lost or written twice.
 */
function cpuLimit(): Scenario {
  let kills = 0;
  return {
    name: "cpu-limit",
    acts: true,
    faults: "every worker killed at a CPU limit of 60 ms, then the limit back to 2 s",
    plan: { credentials: 3, sitesPerCredential: 3, hoursBehind: 1 },
    // Killed runs are posted again and again while the limit holds: 30 s of that is enough.
    cycleTimeoutMs: 30_000,
    arm: async (w) => {
      await restartServices({ EDGE_CPU_MS: "60" }, w);
      return 0;
    },
    after: async (w, n) => {
      if (n !== 1) return;
      const seen = await invocationsSince(w.startedAt);
      kills = (seen ?? []).filter((r) => r.ended === "killed_cpu").length;
      await restartServices({ EDGE_CPU_MS: undefined }, w);
    },
    verify: () => Promise.resolve(kills > 0 ? [] : ["no worker was killed at the CPU limit"]),
    count: () => kills,
    minCycles: 2,
    cleanup: async () => {
      if (Deno.env.get("EDGE_CPU_MS") !== undefined) {
        await restartServices({ EDGE_CPU_MS: undefined });
      }
    },
  };
}

/**
 * `credentials reencrypt` while the queue works: the functions first get the rotated keyring
 * (new key first, old after it), the re-encryption runs during a cycle, the old key is dropped,
 * and the next hour's cycle must sync every site with the new key alone.
 */
function keyRotation(): Scenario {
  const oldKey = stackEnv.ENCRYPTION_KEY;
  const newKey = generateKey();
  let dropped: Date | undefined;
  const restart = (keys?: string, world?: ChaosWorld) =>
    restartServices({ LOCAL_STACK_ENCRYPTION_KEY: keys }, world);
  const reencrypt = async (keys: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli/credentials.ts", "reencrypt", "--source", "solaredge"],
      env: { ...stackEnv, ENCRYPTION_KEY: keys },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (!out.success) throw new Error(`credentials reencrypt failed: ${text}`);
    return text;
  };
  return {
    name: "key-rotation",
    acts: true,
    faults: "ENCRYPTION_KEY rotated: `credentials reencrypt` while the queue works, then the " +
      "old key dropped (vendor latency 300 ms)",
    minCycles: 2,
    arm: async (w) => {
      await restart(`${newKey},${oldKey}`, w);
      await setLatency(300);
      return 0;
    },
    during: async (_sql, _w, n) => {
      if (n !== 1) return 0;
      await sleep(500);
      const text = await reencrypt(`${newKey},${oldKey}`);
      if (!/Re-encrypted \d+ of \d+ credentials/.test(text)) throw new Error(text);
      return 1;
    },
    after: async (w, n, sql) => {
      if (n !== 1) return;
      await restart(newKey, w);
      dropped = new Date();
      // The next hour: every site is due again, and only the new key is there to open it.
      await sql`
        update public.inverter_sites set synced_through = synced_through - interval '1 hour'
        where organization_id = ${w.orgId}`;
    },
    verify: async (sql, w) => {
      if (!dropped) return ["the old key was not dropped yet"];
      const stale = await sql<{ vendor_site_id: string }[]>`
        select vendor_site_id from public.inverter_sites
        where organization_id = ${w.orgId} and (last_success_at is null or last_success_at < ${dropped})`;
      return stale.map((s) =>
        `site ${s.vendor_site_id} did not sync after the old key was dropped`
      );
    },
    cleanup: async () => {
      // Everything back under the stack's own key, which the rest of the stack's users hold.
      await reencrypt(`${oldKey},${newKey}`).catch(() => {});
      await restart();
    },
  };
}
