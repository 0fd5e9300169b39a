/**
 * The fixed values of the local stack: ports, URLs and keys that the stack, the demo and the tests
 * share. Nothing here is a real secret; every value is for a developer machine only.
 *
 * The JWT secret and the two API keys are the public defaults that `supabase start` uses, so the
 * same keys work against the Docker stack. The keys are hard-coded (not signed at import) so this
 * module has no dependency but the vendor registry and no await; `stack_env_test.ts` checks that
 * they verify under the secret and carry the right `role`.
 */
import { type Source, SOURCES } from "../shared/vendors.ts";

/**
 * Shifts every port by this much (`LOCAL_STACK_PORT_OFFSET=100`: 54421, 54422, …), so a second
 * stack can run beside the usual one; the private-clone test brings one up that way. Default 0.
 * A negative offset moves the stack below Linux's ephemeral range (32768–60999), where no
 * outgoing connection of a busy machine can be holding one of its ports by chance.
 */
export const portOffset = readPortOffset(Deno.env.get("LOCAL_STACK_PORT_OFFSET"));

/** Ports of the local stack, the same numbers `supabase start` uses where it has one. */
export const stackPorts = Object.freeze({
  api: 54321 + portOffset,
  db: 54322 + portOffset,
  s3: 54330 + portOffset,
  // The functions' way to S3: a pass-through proxy in front of moto that can inject S3's
  // failures (local/s3_fault_proxy.ts); everything else talks to moto directly.
  s3Faults: 54339 + portOffset,
  // One simulator per vendor, from 54331 on, in the registry's order.
  ...Object.fromEntries(SOURCES.map((s, i) => [s, 54331 + i + portOffset])) as Record<
    Source,
    number
  >,
});

export function readPortOffset(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 0;
  const offset = Number(value);
  if (!Number.isInteger(offset) || offset < -50_000 || offset > 10_000) {
    throw new Error(
      `Cannot use LOCAL_STACK_PORT_OFFSET=${value}: it must be a whole number from -50000 to 10000`,
    );
  }
  return offset;
}

const host = "127.0.0.1";

/** HS256 secret of the local JWTs (the `supabase start` default). */
const jwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

/** `{"iss":"supabase-demo","role":"anon","exp":1983812996}` signed with `jwtSecret`. */
const anonKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
  "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9." +
  "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

/** `{"iss":"supabase-demo","role":"service_role","exp":1983812996}` signed with `jwtSecret`. */
const serviceKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
  "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0." +
  "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/** The environment of every process of the local stack (functions, worker, demo, tests). */
export const stackEnv: Readonly<Record<string, string>> = Object.freeze({
  SUPABASE_URL: `http://${host}:${stackPorts.api}`,
  SUPABASE_DB_URL: `postgresql://postgres:postgres@${host}:${stackPorts.db}/postgres`,
  JWT_SECRET: jwtSecret,
  SUPABASE_ANON_KEY: anonKey,
  SUPABASE_SERVICE_KEY: serviceKey,
  // Supabase injects the service key under this name too; functions may read either.
  SUPABASE_SERVICE_ROLE_KEY: serviceKey,
  // A Fernet key for local use only: 32 random bytes, urlsafe base64 with padding. A key rotation
  // is rehearsed on the stack (`deno task chaos`) by restarting its services with
  // LOCAL_STACK_ENCRYPTION_KEY set to the rotated keyring.
  ENCRYPTION_KEY: Deno.env.get("LOCAL_STACK_ENCRYPTION_KEY")?.trim() ||
    "cP0FEkOEUfti8k_JNd6yQl_3T9OYJ5wIILZjybKaywc=",
  // Signs the OAuth connect flows' state: a key of its own, not ENCRYPTION_KEY (local use only).
  OAUTH_STATE_SECRET: "local-oauth-state-secret-not-for-production-use",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  S3_ENDPOINT: `http://${host}:${stackPorts.s3}`,
  METER_DATA_BUCKET: "frontiermind-meter-data",
  SOLAREDGE_BASE_URL: `http://${host}:${stackPorts.solaredge}/v2`,
  // The Site Access (OAuth) app the simulator knows; one simulator plays connect.solaredge.com
  // and the token endpoint (local/vendor_simulators.ts registers the app).
  SOLAREDGE_AUTHORIZE_URL: `http://${host}:${stackPorts.solaredge}/authorize`,
  SOLAREDGE_TOKEN_URL: `http://${host}:${stackPorts.solaredge}/v2/oauth2/token`,
  SOLAREDGE_CLIENT_ID: "local-solaredge-client-id",
  SOLAREDGE_CLIENT_SECRET: "local-solaredge-client-secret",
  // The Enphase developer app the simulator knows (local/vendor_simulators.ts registers it).
  ENPHASE_BASE_URL: `http://${host}:${stackPorts.enphase}/api/v4`,
  ENPHASE_AUTH_URL: `http://${host}:${stackPorts.enphase}`,
  ENPHASE_CLIENT_ID: "local-enphase-client-id",
  ENPHASE_CLIENT_SECRET: "local-enphase-client-secret",
  ENPHASE_API_KEY: "local-enphase-api-key",
  ENPHASE_PER_MINUTE: "300",
  ENPHASE_PER_MONTH: "1500000",
  // The SMA API client; one simulator plays SMA's auth, backchannel and monitoring hosts.
  SMA_BASE_URL: `http://${host}:${stackPorts.sma}`,
  SMA_AUTH_URL: `http://${host}:${stackPorts.sma}`,
  SMA_BC_URL: `http://${host}:${stackPorts.sma}`,
  SMA_CLIENT_ID: "local-sma-client-id",
  SMA_CLIENT_SECRET: "local-sma-client-secret",
  // One GoodWe simulator plays SEMS+, the legacy portal and the regional API hosts; path prefixes
  // stand in for the eu-semsplus and cn-semsplus host names.
  GOODWE_LOGIN_URL: `http://${host}:${stackPorts.goodwe}`,
  GOODWE_LOGIN_URL_EU: `http://${host}:${stackPorts.goodwe}/eu-semsplus`,
  GOODWE_LOGIN_URL_CN: `http://${host}:${stackPorts.goodwe}/cn-semsplus`,
  GOODWE_LEGACY_LOGIN_URL: `http://${host}:${stackPorts.goodwe}`,
});

/** Variables whose values `stack status` and logs must mask. */
export const secretEnvNames: readonly string[] = Object.freeze([
  "JWT_SECRET",
  "SUPABASE_SERVICE_KEY",
  "SUPABASE_SERVICE_ROLE_KEY",
  "ENCRYPTION_KEY",
  "OAUTH_STATE_SECRET",
  "AWS_SECRET_ACCESS_KEY",
  "SOLAREDGE_CLIENT_SECRET",
  "ENPHASE_CLIENT_SECRET",
  "SMA_CLIENT_SECRET",
]);
