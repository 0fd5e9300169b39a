/**
 * Vendor payloads as a hostile or broken cloud might send them, through the real SolarEdge adapter
 * and the unit of work (mapping, sane readings, envelope, upload): huge arrays, deep nesting,
 * `NaN` and `Infinity` as text, negative energy and times far from the window. Each ends as a
 * clear bad record or as an envelope that holds only sane readings inside its window, never as a
 * crash or a reading outside the window.
 */
import assert from "node:assert/strict";
import { BadRecordError } from "./errors.ts";
import { createLogger } from "./logger.ts";
import { syncSiteWindow } from "./sync_site.ts";
import { memoryStore } from "./testing/memory_store.ts";
import type { AdapterContext } from "./types.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const WINDOW = {
  from: new Date("2026-06-01T00:00:00Z"),
  to: new Date("2026-06-01T12:00:00Z"),
  end: new Date("2026-06-01T12:00:00Z"),
};

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "+00:00");
}

/** A body for both series: `values` as the test makes them. */
async function syncWith(values: (series: string) => unknown) {
  const store = memoryStore();
  const [site] = await store.reconcileSites(
    { id: "c1", organization_id: "o1", source: "solaredge" } as never,
    [{ vendorSiteId: "3100001", timezone: "UTC" }],
  );
  const puts = new Map<string, string>();
  const ctx = {
    baseUrl: "https://vendor.test/v2",
    secret: { apiKey: "k".repeat(32) },
    plan: {},
    vendorConfig: {},
    logger: createLogger({ write: () => {} }),
    now: () => new Date("2026-06-02T00:00:00Z"),
    http: (req: { url: string }) => {
      const series = new URL(req.url).pathname.endsWith("/energy") ? "energy" : "power";
      const body = values(series);
      return Promise.resolve({
        status: 200,
        headers: new Headers({ "content-type": "application/json" }),
        text: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
  } as unknown as AdapterContext<unknown>;
  const deps = {
    adapter: solaredge,
    ctx,
    objects: { put: (k: string, b: string) => Promise.resolve(void puts.set(k, b)) },
  } as never;
  const run = () => syncSiteWindow(deps, { runId: "r1", site, window: WINDOW });
  const envelope = () => JSON.parse([...puts.values()][0]);
  return { run, puts, envelope };
}

const body = (series: string, values: unknown) => ({
  unit: series === "power" ? "W" : "WH",
  resolution: "QUARTER_HOUR",
  values,
});

Deno.test("a huge values array keeps only the window's intervals", async () => {
  const start = WINDOW.from.getTime() - 1000 * 900_000;
  const many = Array.from({ length: 200_000 }, (_, i) => ({
    timestamp: stamp(start + i * 900_000),
    value: 100,
  }));
  const { run, envelope } = await syncWith((s) => body(s, many));
  const result = await run();
  // 48 quarter hours in (from, to] for each of the two series.
  assert.equal(result.readings, 96);
  for (const r of envelope().readings) {
    const t = Date.parse(r.ts);
    assert.ok(t > WINDOW.from.getTime() && t <= WINDOW.to.getTime(), r.ts);
  }
});

Deno.test("deep nesting is a bad record, not a crash", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const { run, puts } = await syncWith(() => `{"values":${deep}}`);
  await assert.rejects(
    run,
    (e: unknown) =>
      e instanceof BadRecordError &&
      /Cannot read any value of solaredge site 3100001/.test(e.message),
  );
  assert.equal(puts.size, 0);
});

Deno.test("NaN and Infinity as text, 1e308, negative energy and far-off times never reach S3", async () => {
  const at = (q: number) => stamp(WINDOW.from.getTime() + q * 900_000);
  const { run, envelope } = await syncWith((s) =>
    body(s, [
      { timestamp: at(0), value: "NaN" },
      { timestamp: at(1), value: "Infinity" },
      { timestamp: at(2), value: 1e308 },
      { timestamp: at(3), value: s === "energy" ? -50 : 10 },
      { timestamp: "2999-01-01T00:00:00+00:00", value: 5 },
      { timestamp: "1969-12-31T23:45:00+00:00", value: 5 },
      { timestamp: at(5), value: 42 },
    ])
  );
  await run();
  const readings = envelope().readings as Array<{ ts: string; metric: string; value: number }>;
  // Kept: power 10 W at 01:00, and 42 W and 42 Wh at 01:30; the rest is dropped or unreadable.
  assert.deepEqual(
    readings.map((r) => `${r.metric} ${r.ts.slice(11, 16)} ${r.value}`).sort(),
    ["energy_wh 01:30 42", "power_w 01:00 10", "power_w 01:30 42"],
  );
  for (const r of readings) {
    assert.ok(Number.isFinite(r.value), `${r.metric} ${r.value}`);
    assert.ok(!(r.metric === "energy_wh" && r.value < 0));
    const t = Date.parse(r.ts);
    assert.ok(t > WINDOW.from.getTime() && t <= WINDOW.to.getTime(), r.ts);
  }
  assert.ok(readings.some((r) => r.value === 42));
  assert.ok(envelope().completeness.dropped + envelope().completeness.unreadable >= 1);
});
