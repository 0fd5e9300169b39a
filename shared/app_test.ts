/** The function's HTTP surface through `app.request()`, with an in-memory runtime. */
import assert from "node:assert/strict";
import { createFetcherApp } from "./app.ts";
import { BadRecordError, FatalCredentialError, RetriableError } from "./errors.ts";
import { loadConfig } from "./config.ts";
import { generateKey } from "./fernet.ts";
import { Keyring } from "./keyring.ts";
import { createLogger } from "./logger.ts";
import type { FetcherRuntime } from "./runtime.ts";
import { Invocation } from "./invocation.ts";
import { idleJobs } from "./testing/idle_jobs.ts";
import { memoryStore } from "./testing/memory_store.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const KEY = "service-key-for-tests";

function setup(
  options: { pingFails?: boolean; workerAgeMs?: () => number; now?: () => Date } = {},
) {
  const store = memoryStore();
  const logs: string[] = [];
  const pending: Promise<unknown>[] = [];
  const runtime: FetcherRuntime = {
    store,
    objects: { put: () => Promise.resolve() },
    keyring: Keyring.parse(generateKey()),
    logger: createLogger({ write: (l) => logs.push(l) }),
    ping: () => (options.pingFails ? Promise.reject(new Error("down")) : Promise.resolve()),
    close: () => Promise.resolve(),
  };
  const config = loadConfig({
    SUPABASE_URL: "http://x",
    SUPABASE_SERVICE_KEY: KEY,
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
  });
  const app = createFetcherApp(solaredge, config, () => runtime, {
    waitUntil: (p) => void pending.push(p),
    workerAgeMs: options.workerAgeMs,
    now: options.now,
  });
  return { app, store, logs, pending, runtime };
}

const post = (body: unknown, headers: Record<string, string> = { apikey: KEY }) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

Deno.test("POST /solaredge/run answers 202 at once and hands the run to waitUntil", async () => {
  const { app, store, pending } = setup();
  const res = await app.request("/solaredge/run", post({ trigger: "cron" }));
  assert.equal(res.status, 202);
  const body = await res.json();
  assert.equal(body.status, "accepted");
  assert.ok(store.runs.has(body.runId));
  assert.equal(pending.length, 1);
  await Promise.all(pending);
  assert.equal(store.runs.get(body.runId)?.finished, true);
});

Deno.test("POST /run accepts the key as a Bearer token too", async () => {
  const { app } = setup();
  const res = await app.request("/solaredge/run", post({}, { authorization: `Bearer ${KEY}` }));
  assert.equal(res.status, 202);
});

Deno.test("POST /run without the service key is refused and starts nothing", async () => {
  const { app, store } = setup();
  const attempts: Record<string, string>[] = [{}, { apikey: "wrong" }, {
    authorization: "Bearer nope",
  }];
  for (const headers of attempts) {
    const res = await app.request("/solaredge/run", post({}, headers));
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /service key is required/);
  }
  assert.equal(store.runs.size, 0);
});

Deno.test("POST /run names the bad field of a malformed body", async () => {
  const { app } = setup();
  const cases: Array<[unknown, RegExp]> = [
    ["{not json", /not JSON/],
    [{ lookbackHours: -3 }, /lookbackHours/],
    [{ credentialId: "abc" }, /credentialId must be a uuid/],
    [{ dryRun: "yes" }, /dryRun/],
    [{ sitId: "1" }, /unknown field sitId/],
    [{ siteId: "3".repeat(300) }, /siteId must be at most 200 characters/],
    ["null", /must be a JSON object/],
  ];
  for (const [body, message] of cases) {
    const res = await app.request("/solaredge/run", post(body));
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, message);
  }
});

Deno.test("a body larger than any route takes is refused with 413 before it is read", async () => {
  const { app, store } = setup();
  const res = await app.request("/solaredge/run", post({ siteId: "3".repeat(10_000_000) }));
  assert.equal(res.status, 413);
  assert.equal(
    (await res.json()).error,
    "Cannot read the request body: it is larger than 65536 bytes",
  );
  assert.equal(store.runs.size, 0);
});

Deno.test("a dry run records no run row", async () => {
  const { app, store, pending } = setup();
  const res = await app.request("/solaredge/run", post({ dryRun: true }));
  assert.equal(res.status, 202);
  assert.equal((await res.json()).dryRun, true);
  await Promise.all(pending);
  assert.equal(store.runs.size, 0);
});

Deno.test("GET /solaredge/health reports the database", async () => {
  assert.equal((await setup().app.request("/solaredge/health")).status, 200);
  const down = await setup({ pingFails: true }).app.request("/solaredge/health");
  assert.equal(down.status, 503);
  assert.match((await down.json()).error, /Cannot reach the database/);
});

Deno.test("unknown routes are 404 and internal errors leak nothing", async () => {
  const { app, store, logs } = setup();
  assert.equal((await app.request("/solaredge/nope")).status, 404);
  store.startRun = () =>
    Promise.reject(new Error("connection to postgres://user:hunter2@db failed"));
  const res = await app.request("/solaredge/run", post({}));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.ok(!text.includes("hunter2"));
  assert.match(text, /Internal error/);
  assert.ok(logs.some((l) => l.includes("Request failed")));
});

Deno.test("vendor errors become 400, 502 and 503 with a Retry-After, never 500", async () => {
  const { app, store } = setup();
  const cases: Array<[Error, number]> = [
    [new FatalCredentialError("Enphase refused the code: invalid_grant"), 400],
    [new BadRecordError("Cannot read SMA answer: malformed JSON"), 502],
    [new RetriableError("Cannot call GoodWe: GY0429", { retryAfterMs: 300_000 }), 503],
  ];
  for (const [error, status] of cases) {
    store.startRun = () => Promise.reject(error);
    const res = await app.request("/solaredge/run", post({}));
    assert.equal(res.status, status);
    assert.equal((await res.json()).error, error.message);
    if (status === 503) assert.equal(res.headers.get("retry-after"), "300");
  }
});

Deno.test("POST /run with queue true works the due jobs under a lease of its own run", async () => {
  const { app, store, pending, runtime } = setup();
  const calls: string[] = [];
  runtime.jobs = idleJobs({
    claim: (_s, owner) => (calls.push(`claim ${owner}`), Promise.resolve([])),
    release: (owner) => (calls.push(`release ${owner}`), Promise.resolve(0)),
  });
  const res = await app.request("/solaredge/run", post({ trigger: "cron", queue: true }));
  assert.equal(res.status, 202);
  const body = await res.json();
  assert.equal(body.queue, true);
  await Promise.all(pending);
  const owner = `solaredge:${body.runId}`;
  assert.deepEqual(calls, [`claim ${owner}`, `release ${owner}`]);
  assert.equal(store.runs.get(body.runId)?.finished, true);
});

Deno.test("POST /run with queue true refuses a narrowed run and a runtime without a queue", async () => {
  const { app, store } = setup();
  const narrowed = await app.request("/solaredge/run", post({ queue: true, siteId: "1" }));
  assert.equal(narrowed.status, 400);
  assert.match((await narrowed.json()).error, /^Cannot start a run: queue works the due jobs/);
  const noQueue = await app.request("/solaredge/run", post({ queue: true }));
  assert.equal(noQueue.status, 501);
  assert.equal(
    (await noQueue.json()).error,
    "Cannot work the queue: this runtime has no job store",
  );
  const bad = await app.request("/solaredge/run", post({ queue: "yes" }));
  assert.equal(bad.status, 400);
  assert.equal(store.runs.size, 0);
});

Deno.test("a queue run stopped by beforeunload gives its leases back and closes its run", async () => {
  const { app, pending, runtime } = setup();
  const closed: string[][] = [];
  const released: string[] = [];
  runtime.invocation = new Invocation((ids) => Promise.resolve(void closed.push(ids)));
  const target = new EventTarget();
  runtime.invocation.listen(target);
  runtime.jobs = idleJobs({
    // The platform stops the worker while it claims.
    claim: async () => {
      target.dispatchEvent(
        new CustomEvent("beforeunload", { detail: { reason: "WallClockTime" } }),
      );
      await runtime.invocation!.settled;
      return [];
    },
    release: (owner) => (released.push(owner), Promise.resolve(1)),
  });
  const res = await app.request("/solaredge/run", post({ queue: true }));
  const { runId } = await res.json();
  await Promise.all(pending);
  assert.deepEqual(closed, [[runId]]);
  // Once by the beforeunload hook, once by the run's own end.
  assert.deepEqual(released, [`solaredge:${runId}`, `solaredge:${runId}`]);
});

Deno.test("a run's time is counted from the worker's start, and a worker near its end takes none", async () => {
  const claims = async (ageMs: number) => {
    // The first reading of the clock is the request's; every later one is a minute on.
    const t0 = Date.parse("2026-06-15T12:00:00Z");
    let reads = 0;
    const now = () => new Date(t0 + (reads++ === 0 ? 0 : 60_000));
    const { app, pending, runtime } = setup({ workerAgeMs: () => ageMs, now });
    let claimed = 0;
    runtime.jobs = idleJobs({ claim: () => (claimed++, Promise.resolve([])) });
    const res = await app.request("/solaredge/run", post({ trigger: "cron", queue: true }));
    assert.equal(res.status, 202);
    await Promise.all(pending);
    return claimed;
  };
  // A fresh worker claims a minute in (its 110 s budget has not run out) ...
  assert.equal(await claims(0), 1);
  // ... one that served 60 s already has 50 s, so a minute in it claims nothing.
  assert.equal(await claims(60_000), 0);

  const { app, store } = setup({ workerAgeMs: () => 140_000 });
  const res = await app.request("/solaredge/run", post({ trigger: "cron", queue: true }));
  assert.equal(res.status, 503);
  assert.equal(
    (await res.json()).error,
    "Cannot start a run: this worker has 10 s of its 150 s wall clock left",
  );
  assert.equal(store.runs.size, 0);
});
