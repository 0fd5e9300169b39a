/**
 * The only module that reads `Deno.env`. `loadConfig` validates everything at start-up and throws
 * one error naming every missing or malformed variable, so a misconfigured deployment fails at
 * once instead of on the first site.
 */
export type Env = Record<string, string | undefined>;

export interface Config {
  supabaseUrl: string;
  serviceKeys: readonly string[];
  dbUrl: string;
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
  baseUrls: Readonly<Record<string, string | undefined>>;
  /** Each vendor's app settings: every `<VENDOR>_*` variable, e.g. ENPHASE_CLIENT_ID. */
  vendors: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** Signs OAuth `state`; when unset a key is derived from ENCRYPTION_KEY. */
  oauthStateSecret?: string;
}

const VENDORS = ["solaredge", "enphase", "sma", "goodwe"] as const;

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
  const serviceKey = env.SUPABASE_SERVICE_KEY || env.SUPABASE_SERVICE_ROLE_KEY;
  const config: Config = {
    supabaseUrl: service ? required("SUPABASE_URL") : env.SUPABASE_URL ?? "",
    serviceKeys: [
      service
        ? required("SUPABASE_SERVICE_KEY (or SUPABASE_SERVICE_ROLE_KEY)", serviceKey)
        : serviceKey ?? "",
      ...secretKeys(env.SUPABASE_SECRET_KEYS),
    ].filter((k) => k !== ""),
    dbUrl: required("SUPABASE_DB_URL"),
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
    baseUrls: {
      solaredge: env.SOLAREDGE_BASE_URL || undefined,
      enphase: env.ENPHASE_BASE_URL || undefined,
      sma: env.SMA_BASE_URL || undefined,
      goodwe: env.GOODWE_LOGIN_URL || undefined,
    },
    vendors: Object.fromEntries(VENDORS.map((v) => [v, vendorEnv(env, v)])),
    oauthStateSecret: env.OAUTH_STATE_SECRET || undefined,
  };
  for (const name of options.requireVendor ?? []) required(name);
  if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
    problems.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
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

/** Supabase injects the new secret keys as a JSON dictionary (`{"default":"sb_secret_..."}`). */
function secretKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Object.values(parsed).filter((v): v is string => typeof v === "string");
  } catch {
    return [];
  }
}
