/**
 * The unit of work refuses a window whose responses could not be read: nothing is uploaded (so the
 * window has not landed and the writer leaves the watermark), while a genuinely empty window
 * (night) still lands.
 */
import assert from "node:assert/strict";
import { BadRecordError } from "./errors.ts";
import { createLogger } from "./logger.ts";
import { emptySiteData } from "./site_data.ts";
import { syncSiteWindow } from "./sync_site.ts";
import { memoryStore } from "./testing/memory_store.ts";
import type { Adapter, AdapterContext, SiteData } from "./types.ts";

const window = { from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-06-01T01:00:00Z") };

async function syncWith(data: SiteData) {
  const adapter = {
    spec: { source: "sma", apiVersion: "v1" },
    fetchSiteData: () => Promise.resolve(data),
  } as unknown as Adapter<unknown>;
  const store = memoryStore();
  const [site] = await store.reconcileSites(
    { id: "c1", organization_id: "o1", source: "sma" } as never,
    [{ vendorSiteId: "16" }],
  );
  const puts = new Map<string, string>();
  const ctx = {
    logger: createLogger({ write: () => {} }),
    now: () => window.to,
  } as unknown as AdapterContext<unknown>;
  const deps = {
    adapter,
    ctx,
    objects: { put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)) },
  };
  const run = () =>
    syncSiteWindow(deps, { runId: "r1", site, window: { ...window, end: window.to } });
  return { run, puts };
}

Deno.test("a window with values but no readable one is a bad record: no upload", async () => {
  const { run, puts } = await syncWith({
    ...emptySiteData(),
    unreadable: [{ field: "set[].time", count: 12, sample: '"06: 50"' }],
  });
  await assert.rejects(
    run,
    (e: unknown) =>
      e instanceof BadRecordError &&
      /set\[\]\.time \(12 unreadable, e\.g\. "06: 50"\)/.test(e.message),
  );
  assert.equal(puts.size, 0);
});

Deno.test("a genuinely empty window is uploaded whole: it lands", async () => {
  const { run, puts } = await syncWith({
    ...emptySiteData(),
    dropped: 4,
    intervalsExpected: 4,
  });
  const result = await run();
  assert.equal(puts.size, 1);
  assert.equal(result.objectKey, [...puts.keys()][0]);
  const envelope = JSON.parse([...puts.values()][0]);
  assert.equal(envelope.completeness.intervals_received, 0);
  assert.equal(envelope.completeness.dropped, 4);
  assert.equal(envelope.completeness.unreadable, 0);
});
