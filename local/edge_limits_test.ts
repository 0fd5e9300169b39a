import assert from "node:assert/strict";
import { readEdgeLimits, supabaseLimits } from "./edge_limits.ts";
import { createGateway } from "./gateway.ts";
import { readInvocations } from "./invocation_log.ts";

/**
 * The Edge limits on real worker processes, with small fixtures (testdata/edge_functions): the
 * CPU and memory limits are Supabase's own; the wall clock is lowered so the test need not wait
 * 150 s. Behaviour only: which way each invocation ended, never how long it took.
 */
const functionsDir = new URL("./testdata/edge_functions", import.meta.url).pathname;
const open = { enabled: true, verifyJwt: false };
const config = { burn: open, sleepy: open, hog: open, steady: open };
const tmp = await Deno.makeTempDir({ prefix: "edge-limits-test-" });
const invocationsFile = `${tmp}/invocations.jsonl`;
const gateway = createGateway({ functionsDir, config, invocationsFile });
const shortWall = createGateway({
  functionsDir,
  config,
  limits: { ...supabaseLimits, wallClockMs: 1500 },
});
const base = "http://127.0.0.1:54321/functions/v1";

/** Workers are processes the gateways keep between tests; the last test stops them. */
function test(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

async function call(g: typeof gateway, path: string) {
  const response = await g(new Request(`${base}/${path}`));
  const body = await response.json();
  // The record is complete once the worker settled (or was killed).
  const name = path.split(/[/?]/)[0];
  for (let i = 0; i < 400; i++) {
    const records = g.invocations.list({ function: name });
    const mine = records.filter((r) => r.path === `/${path}`);
    if (mine.length > 0) return { response, body, record: mine[mine.length - 1] };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no invocation record for ${path}`);
}

test("limits come from EDGE_WALL_CLOCK_S, EDGE_CPU_MS and EDGE_MEMORY_MB, Supabase's by default", () => {
  assert.deepEqual(readEdgeLimits(() => undefined), supabaseLimits);
  const env: Record<string, string> = { EDGE_WALL_CLOCK_S: "400" };
  assert.equal(readEdgeLimits((n) => env[n]).wallClockMs, 400_000);
  assert.throws(
    () => readEdgeLimits(() => "soon"),
    /Cannot use EDGE_WALL_CLOCK_S=soon: it must be a positive number/,
  );
  return Promise.resolve();
});

test("a normal invocation is recorded with its CPU time, wall time and peak memory", async () => {
  const { response, body, record } = await call(gateway, "steady");
  assert.equal(response.status, 200);
  assert.equal(body.hashed, 20 * 32);
  assert.equal(record.ended, "ok");
  assert.equal(record.status, 200);
  assert.equal(record.method, "GET");
  assert.ok(record.cpu_ms > 0, `cpu_ms ${record.cpu_ms}`);
  assert.ok(record.peak_rss_mb > 0, `peak_rss_mb ${record.peak_rss_mb}`);
  assert.ok(record.wall_ms >= 0);
  await gateway.invocations.flushed();
  const written = await readInvocations(invocationsFile);
  assert.deepEqual(written.find((r) => r.path === "/steady"), record);
  const listed = await gateway(new Request(`${base}/_invocations?function=steady`));
  const json = await listed.json();
  assert.equal(json.limits.cpuMs, 2000);
  assert.deepEqual(json.active, { steady: 0 });
  assert.deepEqual(json.invocations, [record]);
  assert.ok(record.process_cpu_ms >= 0);
});

test("a function past 2 s of CPU is killed with 546 while another function keeps serving", async () => {
  const burning = call(gateway, "burn?ms=60000");
  // While one worker burns its CPU, the other function answers from a worker of its own.
  const other = await call(gateway, "steady?during=burn");
  assert.equal(other.response.status, 200);
  assert.equal(other.record.ended, "ok");
  const { response, body, record } = await burning;
  assert.equal(response.status, 546);
  assert.equal(body.code, "WORKER_LIMIT");
  assert.equal(record.ended, "killed_cpu");
  assert.ok(record.cpu_ms >= supabaseLimits.cpuMs, `cpu_ms ${record.cpu_ms}`);
  // The next request boots a fresh worker.
  const again = await call(gateway, "burn?ms=0");
  assert.equal(again.response.status, 200);
  assert.equal(again.record.ended, "ok");
  assert.notEqual(again.record.worker_pid, record.worker_pid);
});

test("background work past the wall clock is killed after beforeunload(WallClockTime)", async () => {
  const marker = `${tmp}/beforeunload.txt`;
  const { response, record } = await call(shortWall, `sleepy?ms=60000&marker=${marker}`);
  assert.equal(response.status, 202, "the caller had its answer before the worker was killed");
  assert.equal(record.ended, "killed_wall");
  assert.equal(record.status, 202);
  assert.equal(await Deno.readTextFile(marker), "WallClockTime");
  const again = await call(shortWall, "sleepy?ms=0");
  assert.equal(again.record.ended, "ok");
  assert.notEqual(again.record.worker_pid, record.worker_pid);
});

test("the gateway reports a killed invocation as running until its record can be read", async () => {
  // A killed worker takes no more work at once, but its process exits (and the invocation is
  // recorded) a little later: a reader that waits for "idle" must then find the record.
  const path = "sleepy?ms=60000&idle-check=1";
  const response = await shortWall(new Request(`${base}/${path}`));
  await response.body?.cancel();
  for (let i = 0; i < 2000; i++) {
    const seen = await (await shortWall(new Request(`${base}/_invocations?function=sleepy`)))
      .json();
    const mine = seen.invocations.filter((r: { path: string }) => r.path === `/${path}`);
    if (seen.active.sleepy === 0) {
      assert.equal(mine.length, 1, "idle, so the killed invocation is recorded");
      assert.equal(mine[0].ended, "killed_wall");
      return;
    }
    assert.equal(mine.length, 0, "recorded only once it has ended");
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the killed invocation never ended");
});

test("a function allocating past 256 MB is killed at the memory limit", async () => {
  const { response, body, record } = await call(gateway, "hog");
  assert.equal(response.status, 546);
  assert.equal(body.code, "WORKER_LIMIT");
  assert.equal(record.ended, "killed_memory");
  assert.ok(record.peak_rss_mb > 0);
});

test("a function that yields sees beforeunload(CPUTime) before it is killed at the CPU limit", async () => {
  const marker = `${tmp}/cpu-beforeunload.txt`;
  const { response, record } = await call(gateway, `burn?ms=60000&marker=${marker}`);
  assert.equal(response.status, 546);
  assert.equal(record.ended, "killed_cpu");
  assert.equal(await Deno.readTextFile(marker), "CPUTime");
});

test("a function that yields sees beforeunload(Memory) before it is killed at the memory limit", async () => {
  const marker = `${tmp}/memory-beforeunload.txt`;
  const { response, record } = await call(gateway, `hog?marker=${marker}`);
  assert.equal(response.status, 546);
  assert.equal(record.ended, "killed_memory");
  assert.ok(record.peak_rss_mb >= 0.9 * supabaseLimits.memoryMb, `peak ${record.peak_rss_mb}`);
  assert.equal(await Deno.readTextFile(marker), "Memory");
});

test("PUT /_limits lowers a limit for new workers, DELETE restores it, bad limits are refused", async () => {
  const put = (body: unknown) =>
    gateway(new Request(`${base}/_limits`, { method: "PUT", body: JSON.stringify(body) }));
  const lowered = await put({ cpuMs: 300 });
  assert.equal((await lowered.json()).cpuMs, 300);
  const killed = await call(gateway, "burn?ms=5000&limit=300");
  assert.equal(killed.record.ended, "killed_cpu");
  const restored = await gateway(new Request(`${base}/_limits`, { method: "DELETE" }));
  assert.deepEqual(await restored.json(), supabaseLimits);
  const ok = await call(gateway, "burn?ms=600");
  assert.equal(ok.record.ended, "ok");
  const refused = await put({ cpuMs: -1 });
  assert.equal(refused.status, 400);
  assert.equal(
    (await refused.json()).error,
    "Cannot set the Edge limits: cpuMs must be a positive number",
  );
  const unknown = await put({ cpu: 1 });
  assert.equal((await unknown.json()).error, "Cannot set the Edge limits: unknown limit cpu");
});

test("the gateways stop their workers on close", async () => {
  await gateway.close();
  await shortWall.close();
  await Deno.remove(tmp, { recursive: true });
});
