import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

const full = {
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_SERVICE_KEY: "service-key",
  SUPABASE_DB_URL: "postgresql://postgres@127.0.0.1/postgres",
  ENCRYPTION_KEY: "k",
};

Deno.test("loadConfig names every missing variable in one error", () => {
  assert.throws(
    () => loadConfig({}),
    (e: unknown) =>
      e instanceof ConfigError &&
      ["SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL", "ENCRYPTION_KEY"].every((n) =>
        e.message.includes(n)
      ),
  );
});

Deno.test("loadConfig applies defaults and accepts Supabase's injected service role key", () => {
  const { SUPABASE_SERVICE_KEY: _, ...rest } = full;
  const config = loadConfig({ ...rest, SUPABASE_SERVICE_ROLE_KEY: "injected" });
  assert.deepEqual(config.serviceKeys, ["injected"]);
  assert.equal(config.bucket, "frontiermind-meter-data");
  assert.equal(config.awsRegion, "us-east-1");
  assert.equal(config.lookbackHours, 2);
  assert.ok(Object.isFrozen(config));
});

Deno.test("loadConfig also accepts the new secret keys dictionary", () => {
  const config = loadConfig({
    ...full,
    SUPABASE_SECRET_KEYS: '{"default":"sb_secret_x","cron":"sb_secret_y"}',
  });
  assert.deepEqual(config.serviceKeys, ["service-key", "sb_secret_x", "sb_secret_y"]);
});

Deno.test("loadConfig rejects malformed numbers and half an AWS key pair", () => {
  assert.throws(
    () => loadConfig({ ...full, LOOKBACK_HOURS: "-1", AWS_ACCESS_KEY_ID: "a" }),
    /LOOKBACK_HOURS must be a positive number; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
  );
});

Deno.test("loadConfig for the CLIs needs no project URL or service key", () => {
  const config = loadConfig({ SUPABASE_DB_URL: full.SUPABASE_DB_URL, ENCRYPTION_KEY: "k" }, {
    service: false,
  });
  assert.deepEqual(config.serviceKeys, []);
});

Deno.test("loadConfig collects each vendor's variables and requires what the function needs", () => {
  const config = loadConfig({
    ...full,
    ENPHASE_CLIENT_ID: "cid",
    ENPHASE_API_KEY: "k",
    SMA_CLIENT_ID: "s",
  });
  assert.deepEqual(config.vendors.enphase, { ENPHASE_CLIENT_ID: "cid", ENPHASE_API_KEY: "k" });
  assert.deepEqual(config.vendors.sma, { SMA_CLIENT_ID: "s" });
  assert.throws(
    () => loadConfig(full, { requireVendor: ["ENPHASE_CLIENT_ID", "ENPHASE_CLIENT_SECRET"] }),
    /ENPHASE_CLIENT_ID is not set; ENPHASE_CLIENT_SECRET is not set/,
  );
});

Deno.test("loadConfig prefers DATABASE_URL (the pooler) over the injected SUPABASE_DB_URL", () => {
  const pooler =
    "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";
  assert.equal(loadConfig({ ...full, DATABASE_URL: pooler }).dbUrl, pooler);
  assert.equal(loadConfig(full).dbUrl, full.SUPABASE_DB_URL);
  const { SUPABASE_DB_URL: _, ...noDirect } = full;
  assert.equal(loadConfig({ ...noDirect, DATABASE_URL: pooler }).dbUrl, pooler);
  assert.equal(loadConfig(full).dbPoolMax, 1);
  assert.equal(loadConfig({ ...full, DATABASE_POOL_MAX: "2" }).dbPoolMax, 2);
  assert.throws(() => loadConfig({ ...full, DATABASE_POOL_MAX: "0" }), /DATABASE_POOL_MAX/);
});

Deno.test("loadConfig boots with only SUPABASE_SECRET_KEYS when legacy keys are disabled", () => {
  const { SUPABASE_SERVICE_KEY: _, ...rest } = full;
  const config = loadConfig({ ...rest, SUPABASE_SECRET_KEYS: '{"default":"sb_secret_only"}' });
  assert.deepEqual(config.serviceKeys, ["sb_secret_only"]);
  assert.throws(
    () => loadConfig({ ...rest, SUPABASE_SECRET_KEYS: "{}" }),
    /SUPABASE_SERVICE_KEY \(or SUPABASE_SERVICE_ROLE_KEY, or SUPABASE_SECRET_KEYS\) is not set/,
  );
});

Deno.test("loadConfig rejects a malformed SUPABASE_SECRET_KEYS without echoing it", () => {
  assert.throws(
    () => loadConfig({ ...full, SUPABASE_SECRET_KEYS: "sb_secret_leaked" }),
    (e: unknown) =>
      e instanceof ConfigError && /SUPABASE_SECRET_KEYS must be a JSON object/.test(e.message) &&
      !e.message.includes("sb_secret_leaked"),
  );
});

Deno.test("loadConfig on Supabase requires explicit S3 credentials", () => {
  for (const hosted of [{ DENO_DEPLOYMENT_ID: "dep-1" }, { SB_REGION: "eu-central-1" }]) {
    assert.throws(
      () => loadConfig({ ...full, ...hosted }),
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set on Supabase/,
    );
    const config = loadConfig({
      ...full,
      ...hosted,
      AWS_ACCESS_KEY_ID: "a",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    assert.equal(config.awsAccessKeyId, "a");
  }
  // Off the platform the SDK's default chain (~/.aws, instance roles) is still allowed.
  assert.equal(loadConfig(full).awsAccessKeyId, undefined);
});

Deno.test("loadConfig reads the plan's wall clock and the queue's budgets", () => {
  const defaults = loadConfig(full);
  assert.equal(defaults.wallClockSeconds, 150);
  assert.equal(defaults.queueMaxSites, 400);
  assert.equal(defaults.queueLeaseSeconds, 120);
  assert.equal(defaults.queueClaimBatch, 2);
  assert.equal(loadConfig({ ...full, QUEUE_CLAIM_BATCH: "4" }).queueClaimBatch, 4);
  const paid = loadConfig({ ...full, EDGE_WALL_CLOCK_S: "400", QUEUE_MAX_SITES: "250" });
  assert.equal(paid.wallClockSeconds, 400);
  assert.equal(paid.queueMaxSites, 250);
  assert.throws(
    () => loadConfig({ ...full, EDGE_WALL_CLOCK_S: "soon" }),
    /EDGE_WALL_CLOCK_S must be a positive number/,
  );
});
