/**
 * The only module that reads `Deno.env`. `loadConfig` validates everything at start-up and throws
 * one error naming every missing or malformed variable, so a misconfigured deployment fails at
 * once instead of on the first site.
 */
import { SOURCES, VENDORS } from "./vendors.ts";

export type Env = Record<string, string | undefined>;

export interface Config {
  supabaseUrl: string;
  serviceKeys: readonly string[];
  /** DATABASE_URL when set (the transaction pooler on port 6543), else SUPABASE_DB_URL. */
  dbUrl: string;
  /** Connections one process may hold; every invocation holds its own pool (supabase.md §5). */
  dbPoolMax: number;
  encryptionKeys: string;
  awsRegion: string;
  bucket: string;
  s3Endpoint?: string;
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
  lookbackHours: number;
  catchUpMaxHours: number;
  initialHistoryHours: number;
  siteConcurrency: number;
  /** EDGE_WALL_CLOCK_S: the plan's wall clock (150 s free, 400 s paid); a run stops well before. */
  wallClockSeconds: number;
  /** EDGE_CPU_MS: the CPU one invocation may use (2,000 on Supabase); a queue run stops well before. */
  cpuLimitMs: number;
  /** Sites one queue invocation works at most: a stand-in for the 2 s CPU limit. */
  queueMaxSites: number;
  /** Seconds a claimed job's lease lasts; renewed every third of it while the job runs. */
  queueLeaseSeconds: number;
  /**
   * Jobs one queue invocation claims at once. The dispatcher posts one invocation per
   * `sync_dispatch_settings.jobs_per_invocation` due jobs (2): a claim of more left the others
   * it started with nothing to do but boot.
   */
  queueClaimBatch: number;
  baseUrls: Readonly<Record<string, string | undefined>>;
  /** Each vendor's app settings: every `<VENDOR>_*` variable, e.g. ENPHASE_CLIENT_ID. */
  vendors: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** OAUTH_STATE_SECRET: signs OAuth `state`; the connect flows answer 501 without it. */
  oauthStateSecret?: string;
  /** SUPABASE_JWKS: the project's session signing keys, when the platform provides them. */
  jwks?: string;
  /** SUPABASE_JWT_SECRET: the legacy HS256 secret, for projects that still sign sessions so. */
  legacyJwtSecret?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The process environment; every other module receives values from here. */
export function environment(): Env {
  return Deno.env.toObject();
}

/**
 * `service: false` is for the operator CLIs, which talk to the database directly and never serve
 * HTTP, so they need neither the project URL nor a service key.
 */
export function loadConfig(
  env: Env = environment(),
  options: { service?: boolean; requireVendor?: readonly string[] } = {},
): Config {
  const service = options.service ?? true;
  const problems: string[] = [];
  const required = (name: string, value = env[name]): string => {
    if (value === undefined || value.trim() === "") problems.push(`${name} is not set`);
    return value?.trim() ?? "";
  };
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) problems.push(`${name} must be a positive number`);
    return n;
  };
  const secrets = secretKeys(env.SUPABASE_SECRET_KEYS);
  if (service && secrets === undefined) {
    problems.push(
      'SUPABASE_SECRET_KEYS must be a JSON object of keys, e.g. {"default":"sb_secret_…"}',
    );
  }
  // A project with legacy keys disabled injects only SUPABASE_SECRET_KEYS (supabase.md §4, §6).
  const serviceKeys = [env.SUPABASE_SERVICE_KEY, env.SUPABASE_SERVICE_ROLE_KEY, ...secrets ?? []]
    .map((k) => k?.trim() ?? "").filter((k, i, all) => k !== "" && all.indexOf(k) === i);
  if (service && serviceKeys.length === 0 && secrets !== undefined) {
    problems.push(
      "SUPABASE_SERVICE_KEY (or SUPABASE_SERVICE_ROLE_KEY, or SUPABASE_SECRET_KEYS) is not set",
    );
  }
  const config: Config = {
    supabaseUrl: service ? required("SUPABASE_URL") : env.SUPABASE_URL ?? "",
    serviceKeys,
    // SUPABASE_DB_URL is the direct connection and cannot be changed on hosted, so the pooler's
    // URL comes in under a name of our own (supabase.md §5).
    dbUrl: required("SUPABASE_DB_URL (or DATABASE_URL)", env.DATABASE_URL || env.SUPABASE_DB_URL),
    dbPoolMax: positive("DATABASE_POOL_MAX", 1),
    encryptionKeys: required("ENCRYPTION_KEY"),
    awsRegion: env.AWS_REGION || "us-east-1",
    bucket: env.METER_DATA_BUCKET || "frontiermind-meter-data",
    s3Endpoint: env.S3_ENDPOINT || undefined,
    awsAccessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
    awsSecretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
    lookbackHours: positive("LOOKBACK_HOURS", 2),
    catchUpMaxHours: positive("CATCH_UP_MAX_HOURS", 72),
    initialHistoryHours: positive("INITIAL_HISTORY_HOURS", 24),
    siteConcurrency: positive("SITE_CONCURRENCY", 4),
    wallClockSeconds: positive("EDGE_WALL_CLOCK_S", 150),
    cpuLimitMs: positive("EDGE_CPU_MS", 2000),
    queueMaxSites: positive("QUEUE_MAX_SITES", 400),
    queueLeaseSeconds: positive("QUEUE_LEASE_S", 120),
    queueClaimBatch: positive("QUEUE_CLAIM_BATCH", 2),
    baseUrls: Object.fromEntries(
      SOURCES.map((s) => [s, env[VENDORS[s].baseUrlEnv] || undefined]),
    ),
    vendors: Object.fromEntries(SOURCES.map((v) => [v, vendorEnv(env, v)])),
    oauthStateSecret: env.OAUTH_STATE_SECRET || undefined,
    jwks: env.SUPABASE_JWKS || undefined,
    legacyJwtSecret: env.SUPABASE_JWT_SECRET || undefined,
  };
  for (const name of options.requireVendor ?? []) required(name);
  if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
    problems.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  } else if (isHosted(env) && !env.AWS_ACCESS_KEY_ID) {
    // The SDK's default chain reads files, runs processes and asks instance metadata, none of
    // which an Edge Function can do (supabase.md §8), so it would fail on the first upload.
    problems.push(
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set on Supabase, which cannot run the S3 SDK's default credential chain",
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Cannot start: ${problems.join("; ")}`);
  }
  return Object.freeze(config);
}

function vendorEnv(env: Env, vendor: string): Record<string, string | undefined> {
  const prefix = `${vendor.toUpperCase()}_`;
  return Object.freeze(
    Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith(prefix) && v !== "")),
  );
}

/**
 * True inside a deployed Edge Function: the platform sets these only there (supabase.md §4,
 * "Hosted only: SB_REGION, SB_EXECUTION_ID and DENO_DEPLOYMENT_ID").
 */
export function isHosted(env: Env): boolean {
  return Boolean(env.DENO_DEPLOYMENT_ID || env.SB_REGION);
}

/**
 * Supabase injects the new secret keys as a JSON dictionary (`{"default":"sb_secret_..."}`);
 * undefined when the variable is set but is not one.
 */
function secretKeys(raw: string | undefined): string[] | undefined {
  if (!raw || raw.trim() === "") return [];
  try {
    const parsed = JSON.parse(raw);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    return Object.values(parsed).filter((v): v is string => typeof v === "string");
  } catch {
    return undefined;
  }
}
