import assert from "node:assert/strict";
import { startS3FaultProxy } from "./s3_fault_proxy.ts";

async function withProxy(fn: (url: string, seen: string[]) => Promise<void>) {
  const seen: string[] = [];
  const target = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`);
    return new Response("<ok/>", { headers: { etag: '"abc"' } });
  });
  const proxy = await startS3FaultProxy(`http://127.0.0.1:${target.addr.port}`, 0);
  try {
    await fn(proxy.url, seen);
  } finally {
    await proxy.close();
    await target.shutdown();
  }
}

const arm = (url: string, fault: unknown) =>
  fetch(`${url}/_faults`, { method: "POST", body: JSON.stringify(fault) });

Deno.test("the S3 fault proxy passes requests through, bodies and headers included", async () => {
  await withProxy(async (url, seen) => {
    const res = await fetch(`${url}/bucket/a.json`, { method: "PUT", body: "{}" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("etag"), '"abc"');
    assert.equal(await res.text(), "<ok/>");
    assert.deepEqual(seen, ["PUT /bucket/a.json {}"]);
  });
});

Deno.test("an armed slowdown answers S3's 503 SlowDown, a reset cuts the connection, then it passes again", async () => {
  await withProxy(async (url, seen) => {
    assert.equal((await arm(url, { kind: "slowdown", count: 1 })).status, 201);
    assert.equal((await arm(url, { kind: "reset", count: 1, path: "/b.json" })).status, 201);
    const slow = await fetch(`${url}/bucket/a.json`, { method: "PUT", body: "{}" });
    assert.equal(slow.status, 503);
    assert.match(await slow.text(), /<Code>SlowDown<\/Code>/);
    // The reset's path does not match this one: it passes.
    assert.equal((await fetch(`${url}/bucket/a.json`, { method: "PUT", body: "{}" })).status, 200);
    await assert.rejects(fetch(`${url}/bucket/b.json`, { method: "PUT", body: "{}" }));
    assert.equal((await fetch(`${url}/bucket/b.json`, { method: "PUT", body: "{}" })).status, 200);
    assert.equal(seen.length, 2, "the faulted requests never reached the store");
    const counts = await (await fetch(`${url}/_faults`)).json();
    assert.deepEqual(counts, {
      passed: 2,
      slowdown: 1,
      reset: 1,
      timeout: 0,
      armed: 0,
      latencyMs: 0,
    });
  });
});

Deno.test("a timeout holds the request, then cuts it; a bad fault is refused by name", async () => {
  await withProxy(async (url) => {
    await arm(url, { kind: "timeout", count: 1, hangMs: 200 });
    const started = Date.now();
    await assert.rejects(fetch(`${url}/bucket/c.json`, { method: "PUT", body: "{}" }));
    assert.ok(Date.now() - started >= 150, "held before the cut");
    const bad = await arm(url, { kind: "flood", count: 1 });
    assert.equal(bad.status, 400);
    assert.equal(
      (await bad.json()).error,
      "Cannot add fault: kind must be one of slowdown, reset, timeout",
    );
    await fetch(`${url}/_faults`, { method: "DELETE" });
  });
});

Deno.test("a latency delays every request that passes, until the faults are cleared", async () => {
  await withProxy(async (url) => {
    const set = await fetch(`${url}/_faults/latency`, {
      method: "PUT",
      body: JSON.stringify({ ms: 150 }),
    });
    assert.equal(set.status, 200);
    await set.body?.cancel();
    const started = Date.now();
    await (await fetch(`${url}/bucket/a.json`, { method: "PUT", body: "{}" })).body?.cancel();
    assert.ok(Date.now() - started >= 140, "delayed");
    const bad = await fetch(`${url}/_faults/latency`, { method: "PUT", body: '{"ms":-1}' });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    await (await fetch(`${url}/_faults`, { method: "DELETE" })).body?.cancel();
    assert.equal((await (await fetch(`${url}/_faults`)).json()).latencyMs, 0);
  });
});
