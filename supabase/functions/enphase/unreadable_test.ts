/**
 * No silent empty syncs: a telemetry body whose intervals cannot be read fails the window (nothing
 * uploaded, so nothing lands), while Enphase's empty `intervals: []` for a night succeeds.
 * The adapter runs through the core's unit of work, against canned vendor answers.
 */
import assert from "node:assert/strict";
import { BadRecordError } from "../../../shared/errors.ts";
import { syncSiteWindow } from "../../../shared/sync_site.ts";
import { memoryStore } from "../../../shared/testing/memory_store.ts";
import { enphase } from "./adapter.ts";
import { cannedContext } from "../../../shared/testing/enphase_sim.ts";

// The canned context's clock is 2026-06-15T12:07Z; one hour before it, one call per kind.
const window = { from: new Date("2026-06-15T11:00:00Z"), to: new Date("2026-06-15T12:00:00Z") };
const END = Date.parse("2026-06-15T11:15:00Z") / 1000;

async function syncWindow(micro: unknown, meter: unknown) {
  const { ctx } = cannedContext([{ status: 200, body: micro }, { status: 200, body: meter }]);
  const store = memoryStore();
  const [site] = await store.reconcileSites(
    { id: "c1", organization_id: "o1", source: "enphase" } as never,
    [{ vendorSiteId: "2875" }],
  );
  const puts = new Map<string, string>();
  const objects = { put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)) };
  const run = () =>
    syncSiteWindow({ adapter: enphase, ctx, objects }, {
      runId: "r1",
      site,
      window: { ...window, end: window.to },
    });
  return { run, puts };
}

Deno.test("an Enphase body whose end_at is not epoch seconds fails the window", async () => {
  const stamp = new Date(END * 1000).toISOString();
  const micro = { intervals: [{ end_at: stamp, powr: 120, enwh: 10 }] };
  const meter = { intervals: [{ end_at: stamp, wh_del: 10 }] };
  const { run, puts } = await syncWindow(micro, meter);
  await assert.rejects(
    run,
    (e: unknown) =>
      e instanceof BadRecordError &&
      e.message ===
        `Cannot read any value of enphase site 2875: intervals[].end_at (2 unreadable, e.g. "${stamp}")`,
  );
  assert.equal(puts.size, 0);
});

Deno.test("an Enphase body whose values are not numbers fails the window", async () => {
  const micro = { intervals: [{ end_at: END, powr: "120", enwh: "10" }] };
  const { run, puts } = await syncWindow(micro, { intervals: [{ end_at: END, wh_del: "10" }] });
  await assert.rejects(run, /intervals\[\]\.powr \(1 unreadable, e\.g\. "120"\)/);
  assert.equal(puts.size, 0);
});

Deno.test("Enphase's empty intervals for a night are an empty success", async () => {
  const { run, puts } = await syncWindow({ intervals: [] }, { intervals: [] });
  const result = await run();
  assert.equal(result.readings, 0);
  assert.equal(puts.size, 1);
  assert.equal(result.objectKey, [...puts.keys()][0]);
});

Deno.test("nulls at night are gaps: the window succeeds with them counted as dropped", async () => {
  const micro = { intervals: [{ end_at: END, powr: null, enwh: null }] };
  const { run, puts } = await syncWindow(micro, { intervals: [{ end_at: END, wh_del: null }] });
  const result = await run();
  assert.deepEqual([result.readings, result.dropped], [0, 3]);
  assert.equal(puts.size, 1);
});
