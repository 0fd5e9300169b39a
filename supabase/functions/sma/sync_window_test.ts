/**
 * No silent empty syncs for SMA: the adapter and the core's unit of work against the simulator. A
 * day set whose times nobody can read fails the window as a bad record naming the field and a
 * sample and uploads nothing (the window does not land); a night without entries still succeeds.
 */
import assert from "node:assert/strict";
import { BadRecordError } from "../../../shared/errors.ts";
import { syncSiteWindow } from "../../../shared/sync_site.ts";
import { memoryStore } from "../../../shared/testing/memory_store.ts";
import { sma } from "./adapter.ts";
import { setupSma } from "../../../shared/testing/sma_sim.ts";

async function syncOne(plantId: string, window: { from: Date; to: Date }) {
  const t = setupSma();
  const ctx = t.context(await t.connect());
  const store = memoryStore();
  const listed = await sma.fetchSitesList(ctx);
  const sites = await store.reconcileSites(
    { id: "c1", organization_id: "o1", source: "sma" } as never,
    listed,
  );
  const site = sites.find((s) => s.vendor_site_id === plantId)!;
  const puts = new Map<string, string>();
  const objects = { put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)) };
  const run = () =>
    syncSiteWindow({ adapter: sma, ctx, objects }, {
      runId: "r1",
      site,
      window: { ...window, end: window.to },
    });
  return { ...t, run, puts, store, site };
}

Deno.test("an SMA day set with unreadable times fails the window, uploading nothing", async () => {
  // Midday in Berlin: both inverters report values, but every time is printed "25.10.2026 11:05".
  const { sim, run, puts } = await syncOne("4400001", {
    from: new Date("2026-10-25T10:00:00Z"),
    to: new Date("2026-10-25T11:00:00Z"),
  });
  sim.addFault({ kind: "unreadable_time", count: 4 });
  await assert.rejects(
    run,
    (e: unknown) =>
      e instanceof BadRecordError &&
      /Cannot read any value of sma site 4400001/.test(e.message) &&
      /EnergyAndPowerPv set\[\]\.time \(\d+ unreadable, e\.g\. "25\.10\.2026 00:05"\)/.test(
        e.message,
      ) &&
      /PowerAc set\[\]\.time/.test(e.message),
  );
  assert.equal(puts.size, 0);
});

Deno.test("an SMA night with no entries at all is an empty success that lands", async () => {
  // 02:00-03:00 EST in Springfield: the plant omits its sleeping hours (no night zeros).
  const to = new Date("2026-10-25T07:00:00Z");
  const { run, puts } = await syncOne("9100001", {
    from: new Date("2026-10-25T06:00:00Z"),
    to,
  });
  const result = await run();
  assert.equal(result.readings, 0);
  assert.equal(puts.size, 1);
  const envelope = JSON.parse([...puts.values()][0]);
  assert.equal(envelope.completeness.unreadable, 0);
  assert.equal(envelope.responses.length, 3);
  assert.equal(result.objectKey, [...puts.keys()][0]);
});
