/**
 * One scenario's world on the local stack: an organisation of SolarEdge keys and sites in the
 * simulator and the database (secrets encrypted as `credentials add` stores them, sites synced up
 * to a chosen hour), the faults armed against it, and the cycles that drive the queue as pg_cron
 * would: the hourly enqueue, the per-minute dispatch, and the clock moved on to the next retry
 * when every job of the world waits (the injectable clock of the scheduler: a job's `run_after`
 * and lease expiry are brought to now, as the hours passing would).
 */
import type postgres from "postgres";
import { Keyring } from "../shared/keyring.ts";
import { stackEnv } from "../local/stack_env.ts";
import { activeInvocations, S3_PROXY, setLatency } from "../bench/measure.ts";
import { connectOwner } from "../local/connect_owner.ts";
import { simUrl } from "../bench/seed.ts";

export const CHAOS_ORG_PREFIX = "Chaos ";
const HOUR = 3_600_000;
export const SIM = simUrl("solaredge");
export const S3_FAULTS = `${S3_PROXY}/_faults`;

export interface ChaosSite {
  vendorSiteId: string;
  timeZone: string;
  peakPowerKw: number;
}

export interface ChaosCredential {
  id: string;
  label: string;
  /** The planted secret: the key must never show outside the encrypted secret. */
  apiKey: string;
  sites: ChaosSite[];
  /** A credential stored broken on purpose: its sites must carry an error matching this. */
  refused?: RegExp;
}

/** Credentials stored broken, as an operator's mistakes and a corrupted row leave them. */
export type BadSecret = "wrong-key" | "corrupted" | "missing-field" | "wrong-type" | "not-json";

const BAD: Record<BadSecret, { secret: (keyring: Keyring) => Promise<string>; refused: RegExp }> = {
  "wrong-key": {
    // Encrypted with a key the stack does not hold.
    secret: (_k) => Keyring.parse("V2hhdGV2ZXJfa2V5X3RoZV9zdGFja19kb2VzX250X2s=").encrypt("{}"),
    refused: /does not decrypt with ENCRYPTION_KEY/,
  },
  corrupted: {
    secret: async (k) =>
      (await k.encrypt(JSON.stringify({ apiKey: "x" }))).slice(0, -12) + "AAAAAAAAAAAA",
    refused: /does not decrypt with ENCRYPTION_KEY/,
  },
  "missing-field": {
    secret: (k) => k.encrypt(JSON.stringify({ apikey: "typo-in-the-field-name" })),
    refused: /apiKey is missing/,
  },
  "wrong-type": {
    secret: (k) => k.encrypt(JSON.stringify({ apiKey: 5 })),
    refused: /apiKey must be a string/,
  },
  "not-json": {
    secret: (k) => k.encrypt("apiKey=abc"),
    refused: /decrypts but is not a JSON document/,
  },
};

export interface ChaosWorld {
  orgId: string;
  name: string;
  /** The vendor whose queue the cycles drive. */
  source: "solaredge" | "enphase";
  /** Enphase homeowners connected through the OAuth flow (their sites are `ChaosSite`s too). */
  owners: Array<{ credentialId: string; email: string; sites: ChaosSite[] }>;
  credentials: ChaosCredential[];
  /** Every site was synced up to here when the scenario began. */
  syncedFrom: Date;
  /** When the scenario's faults were armed. */
  startedAt: Date;
  /** The start of the latest cycle: what the checker may expect to have landed. */
  lastCycleAt: Date;
  /** Ranges resynced on request: their windows are expected too. */
  resyncs: Array<{ from: Date; to: Date }>;
  cycles: number;
}

export interface WorldPlan {
  credentials: number;
  sitesPerCredential: number;
  /** How far behind the current hour the sites start: 1 is the steady hourly cycle. */
  hoursBehind: number;
  zones?: string[];
  /** Credentials stored broken beside the good ones, one site each. */
  bad?: BadSecret[];
}

const ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"];

/** An empty world: its organisation, and the hour its sites will be synced up to. */
async function newWorld(
  sql: postgres.Sql,
  name: string,
  source: ChaosWorld["source"],
  hoursBehind: number,
): Promise<ChaosWorld> {
  const tag = crypto.randomUUID().slice(0, 8);
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name) values (${`${CHAOS_ORG_PREFIX}${name} ${tag}`})
    returning id`;
  const now = new Date();
  return {
    orgId: org.id,
    name,
    source,
    owners: [],
    credentials: [],
    syncedFrom: new Date(Math.floor(now.getTime() / HOUR) * HOUR - hoursBehind * HOUR),
    startedAt: now,
    lastCycleAt: now,
    resyncs: [],
    cycles: 0,
  };
}

/** A random numeric vendor id, as SolarEdge and Enphase give them. */
function siteId(): string {
  return String(100_000_000 + Math.floor(Math.random() * 800_000_000));
}

export async function createWorld(
  sql: postgres.Sql,
  name: string,
  plan: WorldPlan,
): Promise<ChaosWorld> {
  const world = await newWorld(sql, name, "solaredge", plan.hoursBehind);
  const keyring = Keyring.parse(stackEnv.ENCRYPTION_KEY);
  const zones = plan.zones ?? ZONES;
  /** Stores a credential and its sites as the last discovery left them. */
  const store = async (label: string, secret: string, sites: ChaosSite[]) => {
    const [row] = await sql<{ id: string }[]>`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${world.orgId}, 'solaredge', ${label}, ${secret}) returning id`;
    // The discovery job its trigger queued is not this world's work.
    await sql`delete from public.sync_jobs where credential_id = ${row.id} and kind = 'discover'`;
    for (const s of sites) {
      await sql`
        insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id,
          name, timezone, synced_through, last_success_at)
        values (${world.orgId}, ${row.id}, 'solaredge', ${s.vendorSiteId},
          ${`Roof ${s.vendorSiteId}`}, ${s.timeZone}, ${world.syncedFrom}, ${world.syncedFrom})`;
    }
    return row.id;
  };
  for (let c = 0; c < plan.credentials; c++) {
    const apiKey = `chaos-secret-${crypto.randomUUID()}`;
    const sites = Array.from({ length: plan.sitesPerCredential }, (_, i) => ({
      vendorSiteId: siteId(),
      timeZone: zones[(c * plan.sitesPerCredential + i) % zones.length],
      peakPowerKw: 4 + i,
    }));
    await simAccount(apiKey, sites);
    const label = `chaos ${name} ${c + 1}`;
    const id = await store(label, await keyring.encrypt(JSON.stringify({ apiKey })), sites);
    world.credentials.push({ id, label, apiKey, sites });
  }
  for (const kind of plan.bad ?? []) {
    const label = `chaos ${name} broken ${kind}`;
    const sites = [{ vendorSiteId: siteId(), timeZone: "UTC", peakPowerKw: 5 }];
    const id = await store(label, await BAD[kind].secret(keyring), sites);
    // No key was ever given for it: nothing the checker could find.
    world.credentials.push({ id, label, apiKey: "", sites, refused: BAD[kind].refused });
  }
  // The world begins once it is seeded.
  world.startedAt = world.lastCycleAt = new Date();
  return world;
}

function simAccount(apiKey: string, sites: ChaosSite[]) {
  return post(`${SIM}/accounts`, {
    apiKey,
    sites: sites.map((s) => ({
      siteId: Number(s.vendorSiteId),
      name: `Roof ${s.vendorSiteId}`,
      timeZone: s.timeZone,
      peakPowerKw: s.peakPowerKw,
    })),
  });
}

/** Adds the world's accounts to the simulator again: a restart of the stack's services forgets them. */
export async function reseedSimulator(world: ChaosWorld): Promise<void> {
  for (const c of world.credentials) if (!c.refused) await simAccount(c.apiKey, c.sites);
}

export async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`Cannot set up the chaos world: POST ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Requests the simulator's and the S3 proxy's faults have failed so far. */
export async function faultsFired(): Promise<number> {
  const sim = await (await fetch(`${SIM}/faults`)).json() as { fired: number };
  const s3 = await (await fetch(S3_FAULTS)).json() as Record<string, number>;
  return sim.fired + s3.slowdown + s3.reset + s3.timeout;
}

/** Disarms every fault and sets the simulators' latency back to none. */
export async function clearFaults(): Promise<void> {
  await setLatency(0);
  await (await fetch(`${SIM}/faults`, { method: "DELETE" })).body?.cancel();
  await (await fetch(S3_FAULTS, { method: "DELETE" })).body?.cancel();
}

export interface CycleOptions {
  /** Give up on a cycle that has not settled after this long. */
  timeoutMs: number;
  /** Also fire the enqueue and dispatch a second time at once (overlapping cron cycles). */
  overlap?: boolean;
  /** Runs while the cycle works (a kill, a resync racing it); the acts it did. */
  during?: () => Promise<number>;
}

/**
 * One hourly cycle: the enqueue and the dispatch pg_cron runs, then as the per-minute dispatch
 * would until none of the world's jobs runs or is due. Jobs left waiting (a retry's backoff, a
 * vendor's Retry-After, a dead worker's lease) wait for the next cycle, which moves the clock.
 */
export async function cycle(
  sql: postgres.Sql,
  world: ChaosWorld,
  o: CycleOptions,
): Promise<number> {
  if (world.cycles > 0) await moveClock(sql, world);
  world.cycles++;
  world.lastCycleAt = new Date();
  const fire = async () => {
    await sql`select private.enqueue_due_jobs(${world.source})`;
    await sql`select private.dispatch(${world.source})`;
  };
  if (o.overlap) await Promise.all([fire(), fire()]);
  else await fire();
  const during = o.during?.();
  const deadline = Date.now() + o.timeoutMs;
  let idleSince: number | undefined;
  let deadSince: number | undefined;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    let q: { running: number; due: number };
    try {
      [q] = await sql<{ running: number; due: number }[]>`
        select count(*) filter (where status = 'running' and lease_expires_at > now())::int
            as running,
          count(*) filter (where status in ('pending', 'failed') and run_after <= now())::int
            as due
        from public.sync_jobs where organization_id = ${world.orgId}`;
    } catch {
      // The database is restarting (a scenario's fault): ask again.
      continue;
    }
    if (q.running > 0) {
      // Held by a worker that no longer runs (killed): the clock moves on to its lease's expiry.
      if ((await activeInvocations()) === 0) {
        deadSince ??= Date.now();
        if (Date.now() - deadSince > 3000) {
          await sql`
            update public.sync_jobs set lease_expires_at = now()
            where organization_id = ${world.orgId} and status = 'running'`.catch(() => {});
          await sql`select private.dispatch(${world.source})`.catch(() => {});
          deadSince = undefined;
        }
      } else deadSince = undefined;
      idleSince = undefined;
      continue;
    }
    if (q.due === 0) break;
    // Due work and nobody at it: the next minute's dispatch would start it.
    idleSince ??= Date.now();
    if (Date.now() - idleSince > 3000) {
      await sql`select private.dispatch(${world.source})`.catch(() => {});
      idleSince = undefined;
    }
  }
  return await during ?? 0;
}

/**
 * The scheduler's clock moves on to the next thing the world waits for: retries and pauses
 * become due, leases of workers that died expire, and, when no worker runs at all, the runs dead
 * workers left `running` stop counting as invocations at work (their last beat ages past the
 * dispatcher's two minutes).
 */
async function moveClock(sql: postgres.Sql, world: ChaosWorld): Promise<void> {
  if ((await activeInvocations()) === 0) {
    await sql`
      update public.sync_runs
      set started_at = started_at - interval '2 minutes',
        alive_at = alive_at - interval '2 minutes'
      where source = ${world.source} and status = 'running'`;
  }
  await sql`
    update public.sync_jobs set run_after = now()
    where organization_id = ${world.orgId} and status in ('pending', 'failed')
      and run_after > now()`;
  await sql`
    update public.sync_jobs set lease_expires_at = now()
    where organization_id = ${world.orgId} and status = 'running'
      and lease_expires_at > now()
      and not exists (
        select 1 from public.sync_runs r
        where r.status = 'running' and r.source || ':' || r.id::text = sync_jobs.lease_owner
      )`;
}

export async function removeWorld(sql: postgres.Sql, world: ChaosWorld): Promise<void> {
  await sql`delete from public.organizations where id = ${world.orgId}`;
  for (const c of world.credentials) {
    await (await fetch(`${SIM}/accounts/${encodeURIComponent(c.apiKey)}`, { method: "DELETE" }))
      .body?.cancel();
  }
}

/**
 * An organisation of Enphase homeowners, each connected through the function's OAuth flow as a
 * customer would (`local/connect_owner.ts`), with the sites the callback listed stored as synced
 * up to `hoursBehind` hours before the current one.
 */
export async function createEnphaseWorld(
  sql: postgres.Sql,
  name: string,
  plan: { owners: number; sitesPerOwner: number; hoursBehind: number },
): Promise<ChaosWorld> {
  const world = await newWorld(sql, name, "enphase", plan.hoursBehind);
  for (let o = 0; o < plan.owners; o++) {
    const email = `chaos-${crypto.randomUUID()}@example.test`;
    const sites = Array.from({ length: plan.sitesPerOwner }, (_, i) => ({
      vendorSiteId: siteId(),
      timeZone: ZONES[(o + i) % ZONES.length],
      peakPowerKw: 5 + i,
    }));
    await post(`${simUrl("enphase")}/users`, {
      email,
      password: "chaos-password",
      systems: sites.map((s) => ({
        systemId: Number(s.vendorSiteId),
        name: `House ${s.vendorSiteId}`,
        timeZone: s.timeZone,
        peakPowerKw: s.peakPowerKw,
      })),
    });
    const owner = await connectOwner("enphase", world.orgId, email, `chaos ${name} ${o + 1}`);
    world.owners.push({ credentialId: owner.credentialId, email, sites });
  }
  await sql`
    update public.inverter_sites
    set synced_through = ${world.syncedFrom}, last_success_at = ${world.syncedFrom}
    where organization_id = ${world.orgId}`;
  await sql`delete from public.sync_jobs where organization_id = ${world.orgId}`;
  // The world begins once its owners are connected.
  world.startedAt = world.lastCycleAt = new Date();
  return world;
}
