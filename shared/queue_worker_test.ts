/**
 * The queue worker's rules with the SolarEdge simulator in-process, an in-memory store and an
 * in-memory queue (the SQL side of claims and leases: tests/integration/queue_*_test.ts).
 */
import assert from "node:assert/strict";
import { solarEdgeWorld, WORLD_NOW } from "./testing/solaredge_world.ts";
import { jobEnd, runQueue } from "./queue_worker.ts";
import type { ClaimedJob, JobEnd, JobStore } from "./job_store.ts";
import type { CredentialOutcome } from "./run_types.ts";

const NOW = WORLD_NOW;

async function world() {
  const { store, creds, puts, deps } = await solarEdgeWorld();
  // The sites the queue's jobs point at exist before the jobs do (the enqueue reads them).
  await store.reconcileSites(creds[0], [{ vendorSiteId: "11" }, { vendorSiteId: "12" }]);
  await store.reconcileSites(creds[1], [{ vendorSiteId: "31" }]);
  await store.reconcileSites(creds[2], [{ vendorSiteId: "21" }]);
  const siteIds = (credentialId: string) =>
    store.sites.filter((s) => s.credential_id === credentialId).map((s) => s.id);
  return { store, puts, deps, siteIds };
}

/** A queue in memory with the lease rules of private.claim_jobs that the worker relies on. */
function memoryJobs(jobs: ClaimedJob[]) {
  const held = new Map<string, string>();
  const ended = new Map<string, JobEnd>();
  const closedSites: string[] = [];
  const log = { claims: 0, released: 0 };
  const store: JobStore = {
    claim(_source, owner, max) {
      log.claims++;
      const due = jobs.filter((j) => !held.has(j.jobId) && !ended.has(j.jobId)).slice(0, max);
      for (const j of due) held.set(j.jobId, owner);
      return Promise.resolve(due);
    },
    renewLeases: (owner) => Promise.resolve([...held.values()].filter((o) => o === owner).length),
    finishSites(jobId, owner, siteIds) {
      if (held.get(jobId) !== owner) return Promise.resolve(0);
      closedSites.push(...siteIds);
      return Promise.resolve(siteIds.length);
    },
    finish(jobId, owner, end) {
      if (held.get(jobId) !== owner) return Promise.resolve(null);
      held.delete(jobId);
      ended.set(jobId, end);
      return Promise.resolve(end.outcome);
    },
    release(owner) {
      const mine = [...held].filter(([, o]) => o === owner);
      for (const [id] of mine) held.delete(id);
      log.released += mine.length;
      return Promise.resolve(mine.length);
    },
  };
  return { store, ended, closedSites, log, held };
}

function job(jobId: string, credentialId: string, siteIds: string[]): ClaimedJob {
  return {
    jobId,
    credentialId,
    organizationId: `org-${credentialId}`,
    kind: "scheduled",
    windowFrom: null,
    windowTo: null,
    attempts: 1,
    siteIds,
  };
}

const OPTIONS = {
  runId: "run-1",
  owner: "solaredge:run-1",
  deadline: new Date(NOW.getTime() + 110_000),
  claimUntil: new Date(NOW.getTime() + 80_000),
  maxSites: 400,
  leaseSeconds: 120,
  claimBatch: 4,
  deferSeconds: 900,
};

Deno.test("a queue run syncs each claimed job's sites and ends every job succeeded", async () => {
  const { store, puts, deps, siteIds } = await world();
  const q = memoryJobs([job("j1", "good", siteIds("good")), job("j2", "other", siteIds("other"))]);
  store.runs.set("run-1", { finished: false });
  const summary = await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.deepEqual([...q.ended].map(([id, e]) => [id, e.outcome]).sort(), [
    ["j1", "succeeded"],
    ["j2", "succeeded"],
  ]);
  assert.deepEqual(q.closedSites.sort(), [...siteIds("good"), ...siteIds("other")].sort());
  assert.equal(summary.counts.sitesSucceeded, 3);
  assert.equal(puts.size, 3);
  assert.equal(store.results.filter((r) => r.status === "succeeded").length, 3);
  assert.equal(summary.released, 0);
  assert.equal(store.runs.get("run-1")?.finished, true);
  // Claimed until the queue was empty: a second claim found nothing.
  assert.equal(q.log.claims, 2);
});

Deno.test("a job works only its own sites, not the rest of its credential", async () => {
  const { store, deps, siteIds } = await world();
  const [first, second] = siteIds("good");
  const q = memoryJobs([job("j1", "good", [first])]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.deepEqual(store.results.map((r) => r.siteId), [first]);
  assert.equal(store.sites.find((s) => s.id === second)!.synced_through, null);
  assert.ok(store.sites.find((s) => s.id === first)!.synced_through);
});

Deno.test("a job whose credential the vendor rejects fails with the vendor's reason", async () => {
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([job("j1", "revoked", siteIds("revoked"))]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  const end = q.ended.get("j1");
  assert.equal(end?.outcome, "failed");
  assert.match(
    (end as { error: string }).error,
    /SolarEdge rejected the API key \(HTTP 401\): Invalid API key/,
  );
  assert.equal(store.credentialStatus.get("revoked")?.status, "needs_reauth");
  assert.deepEqual(q.closedSites, []);
});

Deno.test("a job of a credential that is no longer active fails and names its status", async () => {
  const { store, deps, siteIds } = await world();
  store.creds.find((c) => c.id === "other")!.status = "disabled";
  const q = memoryJobs([job("j1", "other", siteIds("other"))]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.deepEqual(q.ended.get("j1"), {
    outcome: "failed",
    error: "Cannot run the job: credential other is disabled",
  });
});

Deno.test("sites the time limit skipped leave their job to be released, not failed", async () => {
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([job("j1", "good", siteIds("good"))]);
  const summary = await runQueue({ ...deps, jobs: q.store }, {
    ...OPTIONS,
    deadline: NOW,
    claimUntil: new Date(NOW.getTime() + 1),
  });
  assert.equal(q.ended.size, 0);
  assert.equal(summary.released, 1);
  assert.equal(q.held.size, 0);
  assert.deepEqual(store.results.map((r) => r.status), ["skipped", "skipped"]);
  for (const s of store.sites) assert.equal(s.consecutive_failures, 0);
});

Deno.test("no job is claimed after the claim deadline or past the site budget", async () => {
  const { deps, siteIds } = await world();
  const late = memoryJobs([job("j1", "good", siteIds("good"))]);
  await runQueue({ ...deps, jobs: late.store }, { ...OPTIONS, claimUntil: NOW });
  assert.equal(late.log.claims, 0);

  const full = memoryJobs([
    job("j1", "good", siteIds("good")),
    job("j2", "other", siteIds("other")),
  ]);
  await runQueue({ ...deps, jobs: full.store }, { ...OPTIONS, claimBatch: 1, maxSites: 2 });
  assert.deepEqual([...full.ended.keys()], ["j1"]);
  assert.equal(full.log.claims, 1);
});

Deno.test("a paused site defers its job to later; a failure wins over a pause", () => {
  const site = (status: "succeeded" | "failed" | "deferred" | "skipped", error?: string) => ({
    siteId: `s-${status}`,
    vendorSiteId: `v-${status}`,
    organizationId: "o",
    credentialId: "c",
    status,
    objectKeys: [],
    readings: 0,
    apiCalls: 0,
    error,
  });
  const outcome = (...sites: ReturnType<typeof site>[]): CredentialOutcome => ({
    credentialId: "c",
    sites,
    apiCalls: 0,
  });
  const now = () => NOW;
  assert.deepEqual(
    jobEnd(outcome(site("succeeded"), site("deferred", "Quota spent")), OPTIONS, now),
    {
      outcome: "deferred",
      retryAfter: new Date(NOW.getTime() + 900_000),
      error: "Quota spent",
    },
  );
  assert.deepEqual(
    jobEnd(outcome(site("deferred", "Quota"), site("failed", "HTTP 500")), OPTIONS, now),
    {
      outcome: "failed",
      error: "Site v-failed: HTTP 500",
    },
  );
  const month = { ...site("deferred", "Month spent"), retryAfterMs: 3 * 86_400_000 };
  assert.deepEqual(jobEnd(outcome(month), OPTIONS, now), {
    outcome: "deferred",
    retryAfter: new Date(NOW.getTime() + 3 * 86_400_000),
    error: "Month spent",
  });
  assert.equal(
    jobEnd(outcome(site("succeeded"), site("skipped", "Time")), OPTIONS, now),
    undefined,
  );
  assert.deepEqual(jobEnd(outcome(site("succeeded")), OPTIONS, now), { outcome: "succeeded" });
  assert.deepEqual(jobEnd({ ...outcome(), error: "Cannot decrypt" }, OPTIONS, now), {
    outcome: "failed",
    error: "Cannot decrypt",
  });
});
