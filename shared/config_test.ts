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
