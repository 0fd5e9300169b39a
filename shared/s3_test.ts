import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";
import { createS3Store } from "./s3.ts";
import { startS3FaultProxy } from "../local/s3_fault_proxy.ts";

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

Deno.test("S3's SlowDown and a reset connection are retried; a store that never answers is given up on in time", async () => {
  const puts: string[] = [];
  const target = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    puts.push(new URL(req.url).pathname);
    return new Response(null, { status: 200, headers: { etag: '"e"' } });
  });
  const proxy = await startS3FaultProxy(`http://127.0.0.1:${target.addr.port}`, 0);
  const arm = (fault: unknown) =>
    fetch(`${proxy.url}/_faults`, { method: "POST", body: JSON.stringify(fault) }).then((r) =>
      r.body?.cancel()
    );
  const config = loadConfig({
    SUPABASE_URL: "http://x",
    SUPABASE_SERVICE_KEY: "k",
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
    S3_ENDPOINT: proxy.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    METER_DATA_BUCKET: "meter-data",
  });
  try {
    const store = createS3Store(config, { putTimeoutMs: 1500 });
    await arm({ kind: "slowdown", count: 1 });
    await arm({ kind: "reset", count: 1 });
    await store.put("raw/a.json", "{}");
    assert.deepEqual(puts, ["/meter-data/raw/a.json"], "landed once, after two failures");
    await arm({ kind: "timeout", count: 5, hangMs: 5000 });
    await assert.rejects(store.put("raw/b.json", "{}"), (e: Error) => {
      assert.equal(e.message, "Cannot write s3://meter-data/raw/b.json: no answer within 1.5 s");
      return true;
    });
  } finally {
    await proxy.close();
    await target.shutdown();
  }
});
