/**
 * The orchestration rules with the SolarEdge simulator in-process and an in-memory store:
 * failure isolation, watermarks and needs_reauth (deadlines and pauses: run_rules_test.ts).
 */
import assert from "node:assert/strict";
import { solarEdgeWorld } from "./testing/solaredge_world.ts";
import { runSync } from "./runner.ts";

const world = solarEdgeWorld;

Deno.test("runSync syncs every good site and isolates the revoked credential", async () => {
  const { store, puts, deps, sim } = await world();
  const summary = await runSync(deps, { trigger: "manual" });
  assert.equal(summary.counts.sitesSucceeded, 3);
  assert.equal(puts.size, 3);
  assert.deepEqual(store.credentialStatus.get("revoked")?.status, "needs_reauth");
  assert.equal(
    store.credentialStatus.get("revoked")!.reason,
    "SolarEdge rejected the API key (HTTP 401): Invalid API key",
  );
  assert.equal(store.creds.find((c) => c.id === "good")!.status, "active");
  for (const s of store.sites) {
    assert.equal(s.synced_through?.toISOString(), "2026-06-15T12:00:00.000Z");
  }
  assert.equal(store.runs.get(summary.runId)?.finished, true);
  // A needs_reauth credential is not called again on the next run.
  sim.resetRequests();
  await runSync(deps, { trigger: "manual" });
  assert.equal(sim.requests("REVOKED-KEY-0003").count, 0);
});

Deno.test("a site whose vendor call keeps failing is recorded and the others still sync", async () => {
  const { store, deps, sim } = await world();
  sim.addFault({ apiKey: "GOOD-KEY-0001", kind: "5xx", count: 50, path: "/sites/12/" });
  const summary = await runSync(
    { ...deps, http: { ...deps.http, retries: 1 } },
    { trigger: "manual" },
  );
  const b = store.sites.find((s) => s.vendor_site_id === "12")!;
  assert.equal(b.synced_through, null);
  assert.match(b.last_error!, /received HTTP 503/);
  assert.equal(b.consecutive_failures, 1);
  assert.equal(summary.counts.sitesFailed, 1);
  assert.equal(summary.counts.sitesSucceeded, 2);
  assert.equal(store.results.find((r) => r.siteId === b.id)?.status, "failed");
});

Deno.test("after missed runs the gap is fetched in windows and the watermark moves per window", async () => {
  const { store, puts, deps } = await world();
  await runSync(deps, { trigger: "manual", credentialId: "good" });
  const a = store.sites.find((s) => s.vendor_site_id === "11")!;
  a.synced_through = new Date("2026-06-05T12:00:00Z"); // ten days behind
  puts.clear();
  await runSync(deps, { trigger: "manual", credentialId: "good", siteId: "11" });
  // 72 h catch-up cap from 10:00 on the 5th, in whole aligned 12-hour windows: the first starts
  // at midnight, the last one ends at noon on the 8th.
  assert.equal(a.synced_through?.toISOString(), "2026-06-08T12:00:00.000Z");
  assert.deepEqual([...puts.keys()], [
    "raw/solaredge/org-good/2026-06-05/site_11_120000.json",
    "raw/solaredge/org-good/2026-06-06/site_11_000000.json",
    "raw/solaredge/org-good/2026-06-06/site_11_120000.json",
    "raw/solaredge/org-good/2026-06-07/site_11_000000.json",
    "raw/solaredge/org-good/2026-06-07/site_11_120000.json",
    "raw/solaredge/org-good/2026-06-08/site_11_000000.json",
    "raw/solaredge/org-good/2026-06-08/site_11_120000.json",
  ]);
});

Deno.test("a catch-up whose fourth upload fails keeps the three windows that landed", async () => {
  const { store, puts, deps } = await world();
  await runSync(deps, { trigger: "manual", credentialId: "good" });
  const a = store.sites.find((s) => s.vendor_site_id === "11")!;
  a.synced_through = new Date("2026-06-05T12:00:00Z");
  a.consecutive_failures = 2;
  puts.clear();
  const put = deps.objects.put;
  deps.objects.put = (key, body) =>
    key.endsWith("2026-06-07/site_11_000000.json")
      ? Promise.reject(new Error("Cannot upload: S3 answered 503"))
      : put(key, body);
  const summary = await runSync(deps, { trigger: "manual", credentialId: "good", siteId: "11" });
  assert.equal(summary.sites[0].status, "failed");
  assert.equal(puts.size, 3);
  // The watermark moves to the last landed window and never past the failed one.
  assert.equal(a.synced_through?.toISOString(), "2026-06-06T12:00:00.000Z");
  assert.equal(a.last_object_key, "raw/solaredge/org-good/2026-06-06/site_11_120000.json");
  assert.match(a.last_error!, /S3 answered 503/);
  // Windows landed, so earlier failures are over; this one counts once.
  assert.equal(a.consecutive_failures, 1);
});

Deno.test("secrets never reach S3 bodies, logs or results", async () => {
  const { puts, logs, store, deps } = await world();
  await runSync(deps, { trigger: "manual" });
  const everything = [
    ...puts.values(),
    ...logs,
    JSON.stringify(store.results),
    JSON.stringify([...store.credentialStatus]),
  ].join("\n");
  for (const secret of ["GOOD-KEY-0001", "REVOKED-KEY-0003", "OTHER-KEY-0002"]) {
    assert.ok(!everything.includes(secret), `${secret} leaked`);
  }
});

Deno.test("an undecryptable credential fails its own sites with a clear message", async () => {
  const { store, deps } = await world();
  await runSync(deps, { trigger: "manual" });
  store.creds.find((c) => c.id === "other")!.secret = "gAAAAABnot-a-real-token";
  const summary = await runSync(deps, { trigger: "manual" });
  assert.match(
    summary.credentialErrors.find((e) => e.credentialId === "other")!.error,
    /does not decrypt with ENCRYPTION_KEY/,
  );
  const c = store.sites.find((s) => s.vendor_site_id === "21")!;
  assert.match(c.last_error!, /does not decrypt/);
  assert.equal(summary.counts.sitesSucceeded, 2);
});

Deno.test("a secret that decrypts but is not JSON is named as such, not as the wrong key", async () => {
  const { store, deps } = await world();
  await runSync(deps, { trigger: "manual" });
  store.creds.find((c) => c.id === "other")!.secret = await deps.keyring.encrypt("apiKey=OTHER");
  const summary = await runSync(deps, { trigger: "manual" });
  assert.equal(
    summary.credentialErrors.find((e) => e.credentialId === "other")!.error,
    'Cannot open credential "other": its secret decrypts but is not a JSON document',
  );
  assert.equal(summary.counts.sitesSucceeded, 2);
});

Deno.test("a run for a site id no credential has fails and names the id", async () => {
  const { store, deps } = await world();
  const summary = await runSync(deps, { trigger: "manual", runId: "run-x", siteId: "999999" });
  assert.equal(
    summary.stopReason,
    'Cannot sync site "999999": no solaredge credential has a site with that vendor id or uuid, even after listing their sites',
  );
  assert.equal(summary.counts.sitesTotal, 0);
  assert.equal(store.runs.get("run-x")?.error, summary.stopReason);
  // A site that exists runs as before, and says nothing of the kind.
  const found = await runSync(deps, { trigger: "manual", siteId: "11" });
  assert.equal(found.stopReason, undefined);
});
