import assert from "node:assert/strict";
import { createFetcherApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { generateKey } from "./fernet.ts";
import { Invocation, stoppedReason } from "./invocation.ts";
import { Keyring } from "./keyring.ts";
import { createLogger } from "./logger.ts";
import type { FetcherRuntime } from "./runtime.ts";
import { memoryStore } from "./testing/memory_store.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const unload = (reason?: string) =>
  new CustomEvent("beforeunload", { detail: reason ? { reason } : undefined });

function recorder() {
  const closed: Array<{ ids: string[]; reason: string }> = [];
  const invocation = new Invocation((ids, reason) => {
    closed.push({ ids, reason });
    return Promise.resolve();
  });
  return { closed, invocation };
}

Deno.test("beforeunload closes the open runs as failed, naming the shutdown reason", async () => {
  const { closed, invocation } = recorder();
  const stop = invocation.listen();
  try {
    invocation.openRun("run-open");
    const finished = invocation.openRun("run-finished");
    finished();
    globalThis.dispatchEvent(unload("WallClockTime"));
    await invocation.settled;
    assert.deepEqual(closed, [{
      ids: ["run-open"],
      reason:
        "Run did not finish: the function was stopped (WallClockTime) before it could record its outcome",
    }]);
    // A second notice (another limit reached) has nothing left to close.
    globalThis.dispatchEvent(unload("CPUTime"));
    await invocation.settled;
    assert.equal(closed.length, 1);
  } finally {
    stop();
  }
});

Deno.test("release hooks (the leases to come) run on beforeunload with the reason", async () => {
  const { closed, invocation } = recorder();
  const target = new EventTarget();
  invocation.listen(target);
  const released: string[] = [];
  const leave = invocation.onRelease((reason) => Promise.resolve(void released.push(reason)));
  target.dispatchEvent(unload());
  await invocation.settled;
  assert.deepEqual(released, [stoppedReason()]);
  assert.deepEqual(closed, []);
  leave();
  target.dispatchEvent(unload());
  await invocation.settled;
  assert.equal(released.length, 1);
});

Deno.test("a failing close is logged, not thrown, and the hooks still run", async () => {
  const logs: string[] = [];
  const invocation = new Invocation(
    () => Promise.reject(new Error("database gone")),
    createLogger({ write: (l) => logs.push(l) }),
  );
  const released: string[] = [];
  invocation.onRelease((r) => Promise.resolve(void released.push(r)));
  invocation.openRun("r1");
  await invocation.release("Memory");
  assert.equal(released.length, 1);
  assert.ok(logs.some((l) => l.includes("Cannot release the function's work at shutdown")));
});

Deno.test("a run started through POST /run is closed on beforeunload while it works", async () => {
  const store = memoryStore();
  // The run hangs in its first query, like a worker stuck at the wall clock.
  store.credentials = () => new Promise(() => {});
  const { closed, invocation } = recorder();
  const target = new EventTarget();
  invocation.listen(target);
  const runtime: FetcherRuntime = {
    store,
    objects: { put: () => Promise.resolve() },
    keyring: Keyring.parse(generateKey()),
    logger: createLogger({ write: () => {} }),
    invocation,
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const config = loadConfig({
    SUPABASE_URL: "http://x",
    SUPABASE_SERVICE_KEY: "k",
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
  });
  const app = createFetcherApp(solaredge, config, () => runtime, { waitUntil: () => {} });
  const post = (body: unknown) =>
    app.request("/solaredge/run", {
      method: "POST",
      headers: { "content-type": "application/json", apikey: "k" },
      body: JSON.stringify(body),
    });
  const { runId } = await (await post({ trigger: "cron" })).json();
  await post({ dryRun: true });
  assert.deepEqual(invocation.openRuns, [runId]);
  target.dispatchEvent(unload("WallClockTime"));
  await invocation.settled;
  assert.deepEqual(closed.map((c) => c.ids), [[runId]]);
  assert.match(closed[0].reason, /^Run did not finish: the function was stopped \(WallClockTime\)/);
});

Deno.test("a run that records its outcome leaves nothing for beforeunload", async () => {
  const { closed, invocation } = recorder();
  const pending: Promise<unknown>[] = [];
  const runtime: FetcherRuntime = {
    store: memoryStore(),
    objects: { put: () => Promise.resolve() },
    keyring: Keyring.parse(generateKey()),
    logger: createLogger({ write: () => {} }),
    invocation,
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const config = loadConfig({
    SUPABASE_URL: "http://x",
    SUPABASE_SERVICE_KEY: "k",
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
  });
  const app = createFetcherApp(solaredge, config, () => runtime, {
    waitUntil: (p) => void pending.push(p),
  });
  await app.request("/solaredge/run", {
    method: "POST",
    headers: { "content-type": "application/json", apikey: "k" },
    body: "{}",
  });
  await Promise.all(pending);
  assert.deepEqual(invocation.openRuns, []);
  await invocation.release("WallClockTime");
  assert.deepEqual(closed, []);
});
