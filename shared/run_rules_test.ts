/**
 * The core rules of a run, over a scripted vendor and the in-memory store: the watermark never
 * moves when the upload fails, and a fatal error or a pause stops the credential's other sites
 * while the other credentials go on.
 */
import assert from "node:assert/strict";
import { FatalCredentialError, RetriableError } from "./errors.ts";
import { runSync } from "./runner.ts";
import type { DryRunWrite } from "./run_types.ts";
import { scriptedWorld } from "./testing/scripted_adapter.ts";

Deno.test("the watermark stays when the S3 upload fails, and the site is recorded failed", async () => {
  const { deps, store } = await scriptedWorld({ a: [{ id: "1" }, { id: "2" }] });
  deps.objects.put = (key) =>
    key.includes("site_1_")
      ? Promise.reject(new Error("Cannot upload: S3 answered 503"))
      : Promise.resolve();
  const summary = await runSync(deps, { trigger: "manual" });
  const one = store.sites.find((s) => s.vendor_site_id === "1")!;
  const two = store.sites.find((s) => s.vendor_site_id === "2")!;
  assert.equal(one.synced_through, null);
  assert.equal(one.last_object_key, null);
  assert.match(one.last_error!, /S3 answered 503/);
  assert.equal(one.consecutive_failures, 1);
  assert.equal(two.synced_through?.toISOString(), "2026-06-15T12:00:00.000Z");
  assert.deepEqual(
    summary.sites.map((s) => [s.vendorSiteId, s.status]),
    [["1", "failed"], ["2", "succeeded"]],
  );
  assert.equal(summary.counts.objectsWritten, 1);
});

Deno.test("a fatal error on one site stops that credential's other sites, not the next credential's", async () => {
  const { deps, store, fetched } = await scriptedWorld({
    a: [
      { id: "a1" },
      { id: "a2", error: new FatalCredentialError("Vendor rejected the key (HTTP 401)") },
      { id: "a3" },
      { id: "a4" },
    ],
    b: [{ id: "b1" }],
  });
  const summary = await runSync(deps, { trigger: "manual" });
  assert.deepEqual(fetched.filter((id) => id.startsWith("a")), ["a1", "a2"]);
  assert.ok(fetched.includes("b1"));
  assert.equal(store.credentialStatus.get("a")?.status, "needs_reauth");
  assert.equal(store.credentialStatus.get("b"), undefined);
  const status = Object.fromEntries(summary.sites.map((s) => [s.vendorSiteId, s.status]));
  assert.equal(status.a1, "succeeded");
  assert.equal(status.a2, "failed");
  assert.equal(status.a3, "skipped");
  assert.equal(status.a4, "skipped");
  assert.equal(status.b1, "succeeded");
  for (const id of ["a3", "a4"]) {
    const site = store.sites.find((s) => s.vendor_site_id === id)!;
    assert.equal(site.synced_through, null);
    assert.equal(site.consecutive_failures, 0);
  }
  assert.match(
    summary.sites.find((s) => s.vendorSiteId === "a3")!.error!,
    /^Not fetched: site a2 stopped this credential: Vendor rejected the key \(HTTP 401\)/,
  );
});

Deno.test("a vendor's pause stops that credential's other sites without counting failures", async () => {
  const pause = new RetriableError("Vendor asked for a pause of an hour", {
    status: 429,
    retryAfterMs: 3_600_000,
  });
  const { deps, store, fetched } = await scriptedWorld({
    a: [{ id: "a1", error: pause }, { id: "a2" }, { id: "a3" }],
    b: [{ id: "b1" }],
  });
  const summary = await runSync(deps, { trigger: "manual" });
  assert.deepEqual(fetched.filter((id) => id.startsWith("a")), ["a1"]);
  assert.ok(fetched.includes("b1"));
  assert.equal(store.creds.find((c) => c.id === "a")!.status, "active");
  for (const id of ["a1", "a2", "a3"]) {
    const site = store.sites.find((s) => s.vendor_site_id === id)!;
    assert.equal(site.synced_through, null, id);
    assert.equal(site.consecutive_failures, 0, id);
    assert.match(site.last_error!, /pause of an hour/, id);
  }
  // The sites not fetched say it came from a1, not as if a1's error were their own.
  assert.equal(
    store.sites.find((s) => s.vendor_site_id === "a2")!.last_error,
    "Not fetched: the vendor paused this credential at site a1: Vendor asked for a pause of an hour",
  );
  assert.equal(summary.sites.find((s) => s.vendorSiteId === "b1")?.status, "succeeded");
});

Deno.test("three sites in parallel are recorded with their own API calls", async () => {
  const { deps, store, calls } = await scriptedWorld({
    a: [
      { id: "1", calls: 2, delayMs: 3 },
      { id: "2", calls: 2, delayMs: 5 },
      { id: "3", calls: 3, delayMs: 2 },
    ],
  }, { siteConcurrency: 3 });
  const summary = await runSync(deps, { trigger: "manual" });
  const byId = new Map(store.sites.map((s) => [s.id, s.vendor_site_id]));
  const recorded = Object.fromEntries(
    store.results.map((r) => [byId.get(r.siteId!), r.apiCalls]),
  );
  assert.deepEqual(recorded, { "1": 2, "2": 2, "3": 3 });
  // The site list is the credential's own call; the run counts it once, on top of the sites'.
  assert.equal(calls(), 8);
  assert.equal(summary.counts.apiCalls, 8);
});

Deno.test("a deferred site keeps its failure count and is recorded deferred", async () => {
  const pause = new RetriableError("Vendor asked for a pause of an hour", {
    retryAfterMs: 3_600_000,
  });
  const { deps, store } = await scriptedWorld({ a: [{ id: "1" }] });
  await runSync(deps, { trigger: "manual" });
  store.sites[0].consecutive_failures = 2;
  const { deps: again } = await scriptedWorld({ a: [{ id: "1", error: pause }] });
  const summary = await runSync({ ...again, store, keyring: deps.keyring }, { trigger: "manual" });
  assert.equal(store.sites[0].consecutive_failures, 2);
  assert.equal(store.results.at(-1)?.status, "deferred");
  // The queue defers the site's job until then (queue_worker.ts jobEnd).
  assert.equal(summary.sites[0].retryAfterMs, 3_600_000);
  assert.equal(summary.counts.sitesFailed, 0);
  assert.equal(store.runs.get(summary.runId)?.finished, true);
});

Deno.test("past the deadline no credential is opened and skipped sites keep their failure count", async () => {
  const { deps, store, calls, now } = await scriptedWorld({ a: [{ id: "1" }, { id: "2" }] });
  await runSync(deps, { trigger: "manual" });
  for (const s of store.sites) s.consecutive_failures = 3;
  const before = calls();
  const summary = await runSync(deps, { trigger: "cron", deadline: new Date(now.getTime() - 1) });
  assert.equal(calls(), before);
  assert.deepEqual(summary.sites.map((s) => s.status), ["skipped", "skipped"]);
  assert.match(summary.sites[0].error!, /time limit/);
  assert.ok(store.sites.every((s) => s.consecutive_failures === 3));
  assert.equal(summary.counts.sitesFailed, 0);
});

Deno.test("needs_reauth is written once per credential, and not over a renewal's own reason", async () => {
  const fatal = new FatalCredentialError("Vendor rejected the key (HTTP 401)");
  const { deps, store } = await scriptedWorld({
    a: [{ id: "a1", error: fatal, delayMs: 2 }, { id: "a2", error: fatal, delayMs: 2 }],
    b: [{ id: "b1", error: new FatalCredentialError("Renewal refused", { recorded: true }) }],
  }, { siteConcurrency: 2 });
  const marks: string[] = [];
  const mark = store.markCredential;
  store.markCredential = (id, status, reason) => (marks.push(id), mark(id, status, reason));
  const summary = await runSync(deps, { trigger: "manual" });
  assert.deepEqual(marks, ["a"]);
  assert.equal(store.credentialStatus.get("a")?.reason, "Vendor rejected the key (HTTP 401)");
  assert.deepEqual(
    summary.sites.map((s) => s.status),
    ["failed", "failed", "failed"],
  );
});

Deno.test("a dry run calls the vendor, writes nothing and says what it would have written", async () => {
  const { deps, store, puts, calls } = await scriptedWorld({
    a: [{ id: "1" }, { id: "2", error: new Error("Vendor answered nonsense") }],
  });
  const writes: DryRunWrite[] = [];
  const summary = await runSync(
    { ...deps, dryRunReport: (w) => writes.push(w) },
    { trigger: "cli", dryRun: true },
  );
  assert.equal(calls(), 3);
  assert.equal(puts.size, 0);
  assert.deepEqual([store.sites.length, store.runs.size, store.results.length], [0, 0, 0]);
  assert.equal(summary.runId, "dry-run");
  const rows = writes.flatMap((w) => w.kind === "row" ? [w.what] : []);
  assert.deepEqual(rows, [
    "add sites 1, 2",
    "set site 1 synced through 2026-06-15T12:00:00.000Z",
    "record failure on site 2: Vendor answered nonsense",
  ]);
  const objects = writes.flatMap((w) => w.kind === "object" ? [w] : []);
  assert.equal(objects.length, 1);
  // Keyed by the end of its aligned window (the scripted vendor's 24 h), covered to 12:00 so far.
  assert.match(objects[0].key, /^raw\/solaredge\/org-a\/2026-06-16\/site_1_000000\.json$/);
  assert.ok(objects[0].bytes > 100);

  // Over stored sites it leaves their watermark and failure count where they were.
  await runSync(deps, { trigger: "manual" });
  const [one, two] = store.sites;
  const before = [one.synced_through, two.consecutive_failures, store.runs.size];
  await runSync({ ...deps, dryRunReport: () => {} }, { trigger: "cli", dryRun: true });
  assert.deepEqual([one.synced_through, two.consecutive_failures, store.runs.size], before);
});
