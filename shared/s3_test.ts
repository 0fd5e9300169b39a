import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";
import { createS3Store } from "./s3.ts";

Deno.test("an S3 write that fails says it was S3, and which object", async () => {
  // A port nothing listens on: the connection is refused at once.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const config = loadConfig({
    SUPABASE_URL: "http://x",
    SUPABASE_SERVICE_KEY: "k",
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    METER_DATA_BUCKET: "meter-data",
  });
  await assert.rejects(
    createS3Store(config).put("raw/solaredge/o/2026-12-01/site_1_120000.json", "{}"),
    (e: Error) => {
      assert.match(
        e.message,
        /^Cannot write s3:\/\/meter-data\/raw\/solaredge\/o\/2026-12-01\/site_1_120000\.json: .*ECONNREFUSED/,
      );
      assert.ok(!e.message.includes("test-secret"));
      return true;
    },
  );
});
