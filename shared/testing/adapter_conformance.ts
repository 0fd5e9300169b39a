/**
 * One conformance suite for every vendor adapter. A vendor's test file calls it in one line with a
 * harness around its simulator; the suite checks the rules every adapter must keep:
 * canonical readings (UTC instants, one value per timestamp, metric and device, no negative energy,
 * no nulls), a rejected credential is fatal for it, 429 and 5xx are retried, and no secret reaches
 * the S3 envelope.
 */
import assert from "node:assert/strict";
import { buildEnvelope } from "../envelope.ts";
import { FatalCredentialError } from "../errors.ts";
import type { Adapter, AdapterContext, Window } from "../types.ts";

export interface ConformanceWorld<S> {
  ctx: AdapterContext<S>;
  site: { vendorSiteId: string; timezone?: string | null };
  window: Window;
  /** Every secret the credential holds; none may appear in an envelope. */
  sensitive: string[];
  /** Makes the vendor's next `count` calls fail with HTTP 429 or a 5xx. */
  fault(kind: "429" | "5xx", count: number): void;
  /** How many calls the vendor has answered (including failed ones). */
  calls(): number;
}

export interface ConformanceHarness<S> {
  adapter: Adapter<S>;
  /** A working credential with at least one producing site over `window`. */
  world(): Promise<ConformanceWorld<S>>;
  /** A context whose credential the vendor rejects (bad key, revoked grant, wrong password). */
  rejected(): Promise<AdapterContext<S>>;
}

export function adapterConformance<S>(name: string, harness: ConformanceHarness<S>): void {
  Deno.test(`${name} conformance: readings are canonical`, async () => {
    const w = await harness.world();
    const data = await harness.adapter.fetchSiteData(w.ctx, w.site, w.window);
    assert.ok(data.readings.length > 0, "a producing site yields readings");
    const seen = new Set<string>();
    for (const r of data.readings) {
      assert.match(
        r.ts,
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/,
        `UTC instant: ${r.ts}`,
      );
      assert.ok(typeof r.value === "number" && Number.isFinite(r.value), `a number: ${r.value}`);
      assert.match(r.metric, /^[a-z][a-z0-9_]*$/);
      if (r.metric.startsWith("energy")) assert.ok(r.value >= 0, `energy is never negative`);
      const key = `${r.metric}|${r.device ?? ""}|${r.ts}`;
      assert.ok(!seen.has(key), `one value per metric, device and time: ${key}`);
      seen.add(key);
      const t = Date.parse(r.ts);
      assert.ok(
        t > w.window.from.getTime() && t <= w.window.to.getTime(),
        `inside the window: ${r.ts}`,
      );
    }
    assert.ok(data.intervalsReceived <= data.intervalsExpected || data.intervalsExpected === 0);
  });

  Deno.test(`${name} conformance: a rejected credential is fatal for it`, async () => {
    const ctx = await harness.rejected();
    await assert.rejects(harness.adapter.fetchSitesList(ctx), FatalCredentialError);
  });

  Deno.test(`${name} conformance: 429 and 5xx are retried`, async () => {
    const w = await harness.world();
    const before = w.calls();
    w.fault("429", 1);
    w.fault("5xx", 1);
    const data = await harness.adapter.fetchSiteData(w.ctx, w.site, w.window);
    assert.ok(data.readings.length > 0);
    assert.ok(w.calls() - before >= data.responses.length + 2, "the failed calls were repeated");
  });

  Deno.test(`${name} conformance: no secret reaches the envelope`, async () => {
    const w = await harness.world();
    const data = await harness.adapter.fetchSiteData(w.ctx, w.site, w.window);
    const envelope = JSON.stringify(buildEnvelope({
      source: harness.adapter.spec.source,
      organizationId: "org",
      site: { id: "site", vendorSiteId: w.site.vendorSiteId },
      window: w.window,
      fetchedAt: new Date(),
      runId: "run",
      apiVersion: harness.adapter.spec.apiVersion,
      ...data,
    }));
    assert.ok(w.sensitive.length > 0);
    for (const secret of w.sensitive) assert.ok(!envelope.includes(secret), "a secret leaked");
  });
}
