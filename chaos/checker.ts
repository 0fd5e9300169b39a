/**
 * The independent checker run after each scenario. It does not use the service's window, key or
 * mapping code: it rebuilds what the simulator's ground truth expects (SolarEdge's 12-hour and
 * Enphase's one-day UTC windows, the README's key format, the PV curve the SolarEdge simulator
 * serves) and compares S3 with it: every expected window landed, no window has two objects, every
 * envelope parses and its readings equal the simulator's values (for Enphase: lie in their window
 * and are finite). It reads each site's health, and searches the logs, every S3 object of the
 * world and every row of the database for the planted secrets: the API keys it was given and
 * whatever the stored secrets hold (the tokens a vendor issued).
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type postgres from "postgres";
import { pvPowerW } from "../local/simulators/pv_curve.ts";
import { stackEnv } from "../local/stack_env.ts";
import { stackPaths } from "../local/stack_paths.ts";
import { stackS3Client } from "../local/stack_s3.ts";
import { Keyring } from "../shared/keyring.ts";
import type { ChaosSite, ChaosWorld } from "./world.ts";

const HOUR = 3_600_000;
const WINDOW = 12 * HOUR;
/** The aligned window of each vendor a world can hold (vendors.md: 12 h at QUARTER_HOUR, a day). */
const WINDOWS: Record<ChaosWorld["source"], number> = { solaredge: WINDOW, enphase: 24 * HOUR };
const STEP = 15 * 60_000;

export interface CheckResult {
  expected: number;
  landed: number;
  /** Expected windows with no object, or with intervals the simulator had and the object lacks. */
  lost: number;
  /** Windows with more than one object. */
  duplicated: number;
  /** Objects that do not parse or whose readings differ from the simulator's. */
  wrong: number;
  /** Where a planted secret was found (`s3:key`, `log:file`, `db:table`). */
  leaks: string[];
  /** Sites neither fresh nor carrying a next action. */
  unhealthy: string[];
  problems: string[];
}

/** The keys the README's format gives a site's window ending at `end`. */
export function expectedKey(
  orgId: string,
  vendorSiteId: string,
  end: Date,
  source = "solaredge",
): string {
  const iso = end.toISOString();
  return `raw/${source}/${orgId}/${iso.slice(0, 10)}/site_${vendorSiteId}_${
    iso.slice(11, 19).replaceAll(":", "")
  }.json`;
}

/**
 * Every window of `length` (SolarEdge's 12 UTC hours by default) that holds time after `from`
 * and started before `until`.
 */
export function expectedWindows(
  from: Date,
  until: Date,
  length = WINDOW,
): Array<{ from: Date; end: Date }> {
  const out = [];
  const last = Math.floor(until.getTime() / STEP) * STEP;
  for (let at = Math.floor(from.getTime() / length) * length; at < last; at += length) {
    if (at + length > from.getTime()) out.push({ from: new Date(at), end: new Date(at + length) });
  }
  return out;
}

/** Every object under the prefix, by key, with its body. */
export async function listObjects(prefix: string): Promise<Map<string, string>> {
  const s3 = stackS3Client();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: stackEnv.METER_DATA_BUCKET,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  const bodies = new Map<string, string>();
  for (const key of keys) {
    const out = await s3.send(
      new GetObjectCommand({ Bucket: stackEnv.METER_DATA_BUCKET, Key: key }),
    );
    bodies.set(key, await out.Body!.transformToString());
  }
  return bodies;
}

interface Envelope {
  window?: { from?: string; to?: string };
  fetched_at?: string;
  readings?: Array<{ ts?: string; metric?: string; value?: unknown }>;
}

/**
 * What the simulator serves for one site's window as the envelope keeps it: a reading per
 * interval stamped at the interval's end (shared/types.ts; SolarEdge stamps the start, the
 * service the end), in (from, to], for intervals that had ended at `fetchedAt`.
 */
export function groundTruth(
  site: ChaosSite,
  from: Date,
  to: Date,
  fetchedAt: Date,
): Map<string, { power: number; energy: number }> {
  const out = new Map<string, { power: number; energy: number }>();
  for (let at = from.getTime() + STEP; at <= to.getTime(); at += STEP) {
    if (at > fetchedAt.getTime()) continue;
    const w = pvPowerW(
      { siteId: Number(site.vendorSiteId), timeZone: site.timeZone, peakPowerKw: site.peakPowerKw },
      new Date(at - STEP),
    );
    if (w === null) continue;
    out.set(new Date(at).toISOString(), {
      power: Number(w.toPrecision(8)),
      energy: Math.round(w / 4),
    });
  }
  return out;
}

/** The envelope of an object, or undefined when it does not parse. */
function parseEnvelope(text: string): Envelope | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Compares one envelope with the ground truth; the problems found, none when it matches. Without
 * ground truth (`truth: false`, a simulator whose values the checker does not rebuild), every
 * reading must lie in the window and be finite.
 */
export function compareEnvelope(
  site: ChaosSite,
  text: string,
  options: { truth: boolean } = { truth: true },
): string[] {
  const envelope = parseEnvelope(text);
  if (!envelope) return ["does not parse"];
  const from = Date.parse(envelope.window?.from ?? "");
  const to = Date.parse(envelope.window?.to ?? "");
  const fetchedAt = Date.parse(envelope.fetched_at ?? "");
  if (![from, to, fetchedAt].every(Number.isFinite)) return ["has no window or fetched_at"];
  if (!options.truth) {
    const bad = (envelope.readings ?? []).filter((r) => {
      const at = Date.parse(r.ts ?? "");
      return !(at > from && at <= to) || typeof r.value !== "number" || !Number.isFinite(r.value);
    });
    return bad.length > 0 ? [`${bad.length} readings outside the window or not finite`] : [];
  }
  const truth = groundTruth(site, new Date(from), new Date(to), new Date(fetchedAt));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of envelope.readings ?? []) {
    const at = Date.parse(r.ts ?? "");
    if (!Number.isFinite(at)) {
      problems.push(`a reading's time ${JSON.stringify(r.ts)} does not parse`);
      continue;
    }
    const ts = new Date(at).toISOString();
    const want = truth.get(ts);
    if (r.metric !== "power_w" && r.metric !== "energy_wh") continue;
    const value = r.metric === "power_w" ? want?.power : want?.energy;
    if (value === undefined) problems.push(`${r.metric} at ${ts} is not the simulator's`);
    else if (r.value !== value) problems.push(`${r.metric} at ${ts} is ${r.value}, not ${value}`);
    seen.add(`${r.metric} ${ts}`);
  }
  for (const ts of truth.keys()) {
    for (const metric of ["power_w", "energy_wh"]) {
      if (!seen.has(`${metric} ${ts}`)) problems.push(`${metric} at ${ts} is missing`);
    }
  }
  return problems;
}

export async function checkWorld(
  sql: postgres.Sql,
  world: ChaosWorld,
  options: { logsSince?: Record<string, number> } = {},
): Promise<CheckResult> {
  const bodies = await listObjects(`raw/${world.source}/${world.orgId}/`);
  const keys = [...bodies.keys()];

  const result: CheckResult = {
    expected: 0,
    landed: 0,
    lost: 0,
    duplicated: 0,
    wrong: 0,
    leaks: [],
    unhealthy: [],
    problems: [],
  };
  const length = WINDOWS[world.source];
  const sites = [
    ...world.credentials.filter((c) => !c.refused).flatMap((c) => c.sites),
    ...world.owners.flatMap((o) => o.sites),
  ];
  const windows = [
    ...expectedWindows(world.syncedFrom, world.lastCycleAt, length),
    ...world.resyncs.flatMap((r) => expectedWindows(r.from, r.to, length)),
  ].filter((w, i, all) => all.findIndex((x) => x.end.getTime() === w.end.getTime()) === i);
  for (const site of sites) {
    // Objects by the window their envelope says they hold: two for one window is a duplicate.
    const mine = keys.filter((k) => k.includes(`/site_${site.vendorSiteId}_`));
    const byEnd = new Map<number, string[]>();
    for (const key of mine) {
      const body = bodies.get(key)!;
      const problems = compareEnvelope(site, body, { truth: world.source === "solaredge" });
      if (problems.length > 0) {
        result.wrong++;
        result.problems.push(`${key}: ${problems.slice(0, 3).join("; ")}`);
      }
      const to = Date.parse(parseEnvelope(body)?.window?.to ?? "");
      if (!Number.isFinite(to)) continue;
      const end = Math.ceil(to / length) * length;
      byEnd.set(end, [...byEnd.get(end) ?? [], key]);
    }
    for (const [end, ks] of byEnd) {
      if (ks.length > 1) {
        result.duplicated++;
        result.problems.push(`window ending ${new Date(end).toISOString()}: ${ks.join(", ")}`);
      }
    }
    for (const w of windows) {
      result.expected++;
      const key = expectedKey(world.orgId, site.vendorSiteId, w.end, world.source);
      if (!bodies.has(key)) {
        result.lost++;
        result.problems.push(`${key} is missing`);
        continue;
      }
      result.landed++;
    }
  }

  const secrets = await plantedSecrets(sql, world);
  if (secrets.length === 0) result.problems.push("no planted secret to search for");
  for (const [key, body] of bodies) {
    if (secrets.some((s) => body.includes(s))) result.leaks.push(`s3:${key}`);
  }
  result.leaks.push(...await searchLogs(secrets, options.logsSince));
  result.leaks.push(...await searchDatabase(sql, secrets));

  const health = await sql<{ vendor_site_id: string; state: string; next_action: string | null }[]>`
    select vendor_site_id, state, next_action from public.site_health
    where organization_id = ${world.orgId}`;
  for (const h of health) {
    const refused = world.credentials.find((c) =>
      c.refused && c.sites.some((s) => s.vendorSiteId === h.vendor_site_id)
    )?.refused;
    if (refused) {
      // A broken credential fails alone, and its sites say why, in words an operator can act on.
      if (!refused.test(h.next_action ?? "")) {
        result.unhealthy.push(h.vendor_site_id);
        result.problems.push(
          `site ${h.vendor_site_id} of a broken credential says ${
            JSON.stringify(h.next_action)
          }, not ${refused}`,
        );
      }
    } else if (h.state !== "fresh" && !h.next_action) result.unhealthy.push(h.vendor_site_id);
  }
  return result;
}

/**
 * The world's secrets: the API keys it stored, and every long text of the credential documents
 * the stack's key opens (the access and refresh tokens a vendor issued after the world began).
 */
async function plantedSecrets(sql: postgres.Sql, world: ChaosWorld): Promise<string[]> {
  const keyring = Keyring.parse(stackEnv.ENCRYPTION_KEY);
  const rows = await sql<{ secret: string }[]>`
    select secret from public.inverter_credentials where organization_id = ${world.orgId}`;
  const found = new Set(world.credentials.map((c) => c.apiKey).filter((k) => k !== ""));
  for (const { secret } of rows) {
    // A broken credential, or one under a rotated key, holds nothing more to look for.
    const doc = await keyring.decrypt(secret).then(JSON.parse).catch(() => undefined);
    if (typeof doc !== "object" || doc === null) continue;
    for (const v of Object.values(doc)) if (typeof v === "string" && v.length >= 16) found.add(v);
  }
  return [...found];
}

/** The stack's log files and their sizes now, so a scenario searches only what it appended. */
export async function logMarks(): Promise<Record<string, number>> {
  const marks: Record<string, number> = {};
  for await (const entry of Deno.readDir(stackPaths.logs)) {
    if (entry.isFile) {
      marks[entry.name] = (await Deno.stat(`${stackPaths.logs}/${entry.name}`)).size;
    }
  }
  return marks;
}

async function searchLogs(secrets: string[], since: Record<string, number> = {}) {
  const found: string[] = [];
  for await (const entry of Deno.readDir(stackPaths.logs)) {
    if (!entry.isFile) continue;
    const file = await Deno.open(`${stackPaths.logs}/${entry.name}`);
    try {
      await file.seek(since[entry.name] ?? 0, Deno.SeekMode.Start);
      const text = new TextDecoder().decode(await new Response(file.readable).arrayBuffer());
      if (secrets.some((s) => text.includes(s))) found.push(`log:${entry.name}`);
    } catch {
      file.close();
    }
  }
  return found;
}

/** Every row of every table of the service's schemas, as text; the secret column holds ciphertext. */
async function searchDatabase(sql: postgres.Sql, secrets: string[]) {
  const tables = await sql<{ name: string }[]>`
    select format('%I.%I', table_schema, table_name) as name from information_schema.tables
    where table_type = 'BASE TABLE'
      and (table_schema in ('public', 'private', 'net') or
        (table_schema = 'cron' and table_name = 'job_run_details'))`;
  const found: string[] = [];
  for (const { name } of tables) {
    const [row] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from ${name} t where t::text like any($1)`,
      [secrets.map((s) => `%${s}%`)],
    );
    if (row.n > 0) found.push(`db:${name}`);
  }
  return found;
}
