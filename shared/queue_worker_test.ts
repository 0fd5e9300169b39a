/**
 * The queue worker's rules with the SolarEdge simulator in-process, an in-memory store and an
 * in-memory queue (the SQL side of claims and leases: tests/integration/queue_*_test.ts).
 */
import assert from "node:assert/strict";
import { solarEdgeWorld, WORLD_NOW } from "./testing/solaredge_world.ts";
import { discoveryEnd, heartbeatMs, jobEnd, runQueue } from "./queue_worker.ts";
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
  const log = {
    claims: 0,
    released: 0,
    enqueues: 0,
    enqueuedFor: [] as Array<string | undefined>,
    dispatches: 0,
  };
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
    dispatch() {
      log.dispatches++;
      return Promise.resolve(1);
    },
    enqueueResync: () => Promise.reject(new Error("not in these tests")),
    enqueueDue(_source, credentialId) {
      log.enqueues++;
      log.enqueuedFor.push(credentialId);
      return Promise.resolve(0);
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
  assert.equal(q.log.dispatches, 0, "nothing handed back, nothing to dispatch");
  assert.equal(store.runs.get("run-1")?.finished, true);
  // Claimed until the queue was empty: a second claim found nothing.
  assert.equal(q.log.claims, 2);
});

Deno.test("a site leaves its job only once its watermark is written", async () => {
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([job("j1", "good", siteIds("good"))]);
  // An enqueue between the two would find the site in no open job and with its old watermark.
  const watermarksAtClose: Array<Date | null> = [];
  const finishSites = q.store.finishSites;
  q.store.finishSites = (jobId, owner, ids) => {
    for (const id of ids) {
      watermarksAtClose.push(store.sites.find((s) => s.id === id)!.synced_through ?? null);
    }
    return finishSites(jobId, owner, ids);
  };
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.equal(watermarksAtClose.length, 2);
  assert.ok(watermarksAtClose.every((w) => w !== null), "closed before its watermark moved");
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

Deno.test("a job of a credential that is no longer active ends dead at once and names its status", async () => {
  const { store, deps, siteIds } = await world();
  store.creds.find((c) => c.id === "other")!.status = "disabled";
  const q = memoryJobs([job("j1", "other", siteIds("other"))]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.deepEqual(q.ended.get("j1"), {
    outcome: "dead",
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
  assert.equal(q.log.dispatches, 1, "the next invocation is asked for at once");
  assert.deepEqual(store.results.map((r) => r.status), ["skipped", "skipped"]);
  for (const s of store.sites) assert.equal(s.consecutive_failures, 0);
});

Deno.test("a run told to stop makes no vendor call and claims nothing after it; its sites are skipped", async () => {
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([
    job("j1", "good", siteIds("good")),
    job("j2", "other", siteIds("other")),
  ]);
  const stopping = new AbortController();
  let calls = 0;
  const fetch = deps.http.fetch;
  const http = {
    ...deps.http,
    // The stop arrives while the first vendor call is in flight (beforeunload, leases released).
    fetch: ((u: string, i?: RequestInit) => {
      calls++;
      stopping.abort();
      return fetch(u, i);
    }) as typeof globalThis.fetch,
  };
  const summary = await runQueue({ ...deps, http, jobs: q.store }, {
    ...OPTIONS,
    claimBatch: 1,
    signal: stopping.signal,
  });
  assert.equal(calls, 1);
  assert.equal(q.log.claims, 1, "nothing claimed after the stop");
  assert.equal(q.ended.size, 0, "the job goes back to the queue, neither failed nor succeeded");
  assert.ok(summary.sites.length > 0);
  assert.ok(summary.sites.every((s) => s.status === "skipped"), JSON.stringify(summary.sites));
  for (const s of store.sites) assert.equal(s.consecutive_failures, 0);
});

Deno.test("near the CPU budget no job is claimed and no site starts; the job goes back", async () => {
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([
    job("j1", "good", siteIds("good")),
    job("j2", "other", siteIds("other")),
  ]);
  // Every read of the clock finds 400 ms more spent: 40 % of 2,000 is passed at the second
  // claim check, 70 % before the second site starts.
  let cpu = 0;
  const summary = await runQueue(
    { ...deps, jobs: q.store, cpuMs: () => (cpu += 400) - 400 },
    { ...OPTIONS, claimBatch: 1, cpuBudgetMs: 2000 },
  );
  assert.equal(q.log.claims, 1);
  const statuses = store.results.map((r) => r.status).sort();
  assert.ok(statuses.includes("skipped"), statuses.join());
  assert.ok(
    summary.sites.filter((s) => s.status === "skipped").every((s) =>
      s.error === "Run stopped before the CPU limit; the job goes back to the queue"
    ),
  );
  // The job with skipped sites is released, not failed; the other was never claimed.
  assert.equal(q.ended.size, 0);
  assert.equal(summary.released, 1);
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

Deno.test("a discovery job the time limit cut short goes back to the queue, unlisted", async () => {
  const { deps } = await world();
  const paths = recordCalls(deps);
  const q = memoryJobs([{ ...job("d1", "good", []), kind: "discover" as const }]);
  const summary = await runQueue({ ...deps, jobs: q.store }, {
    ...OPTIONS,
    deadline: NOW,
    claimUntil: new Date(NOW.getTime() + 1),
  });
  assert.equal(q.ended.size, 0, "not closed as if it had listed the sites");
  assert.equal(summary.released, 1);
  assert.deepEqual(paths, []);
  assert.equal(q.log.enqueues, 0);
});

Deno.test("a credential whose token renewal ran out of time holds its job, not fails it", () => {
  const skipped = {
    siteId: "s",
    vendorSiteId: "v",
    organizationId: "o",
    credentialId: "c",
    status: "skipped" as const,
    objectKeys: [],
    readings: 0,
    apiCalls: 0,
    error: "Out of time",
  };
  // What the executor returns then: its sites and its site list skipped, no credential error.
  const outcome = { credentialId: "c", sites: [skipped], apiCalls: 0 };
  assert.equal(jobEnd(outcome, OPTIONS, () => NOW), undefined);
  assert.equal(
    discoveryEnd(
      { ...outcome, sites: [], listing: { status: "skipped", error: "Out of time" } },
      OPTIONS,
      () => NOW,
    ),
    undefined,
  );
});

/** The vendor paths a world's runs called, in order. */
function recordCalls(deps: Awaited<ReturnType<typeof world>>["deps"]) {
  const paths: string[] = [];
  const inner = deps.http.fetch;
  deps.http.fetch = ((u: string, i?: RequestInit) => {
    paths.push(new URL(u).pathname);
    return inner(u, i);
  }) as typeof fetch;
  return paths;
}

Deno.test("a discovery job lists and stores the credential's sites, syncs none, then enqueues", async () => {
  const { store, puts, deps } = await world();
  // Site 12 is new at the vendor since the credential's sites were last listed.
  store.sites.splice(store.sites.findIndex((s) => s.vendor_site_id === "12"), 1);
  const paths = recordCalls(deps);
  const discovery = { ...job("d1", "good", []), kind: "discover" as const };
  const q = memoryJobs([discovery]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.deepEqual(q.ended.get("d1"), { outcome: "succeeded" });
  assert.ok(paths.some((p) => p === "/v2/sites"), paths.join(" "));
  assert.equal(paths.filter((p) => /\/(power|energy)$/.test(p)).length, 0, "no site synced");
  assert.equal(puts.size, 0);
  assert.equal(store.results.length, 0);
  assert.deepEqual(
    store.sites.filter((s) => s.credential_id === "good" && s.active).map((s) => s.vendor_site_id)
      .sort(),
    ["11", "12"],
  );
  assert.equal(q.log.enqueues, 1, "the sites it found are queued at once");
  assert.deepEqual(q.log.enqueuedFor, ["good"], "its own sites only, not the whole vendor's");
});

Deno.test("a site job works from the stored sites and does not list them again", async () => {
  const { deps, siteIds } = await world();
  const paths = recordCalls(deps);
  const q = memoryJobs([job("j1", "good", siteIds("good"))]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.equal(q.ended.get("j1")?.outcome, "succeeded");
  assert.equal(paths.filter((p) => p === "/v2/sites").length, 0, paths.join(" "));
  assert.ok(paths.some((p) => /\/power$/.test(p)));
  assert.equal(q.log.enqueues, 0);
});

Deno.test("a discovery job the vendor refuses fails; a pause defers it; the time limit holds it", async () => {
  const { deps } = await world();
  const q = memoryJobs([{ ...job("d1", "revoked", []), kind: "discover" as const }]);
  await runQueue({ ...deps, jobs: q.store }, OPTIONS);
  assert.equal(q.ended.get("d1")?.outcome, "failed");
  assert.equal(q.log.enqueues, 0);

  const now = () => NOW;
  const outcome = (listing?: CredentialOutcome["listing"]): CredentialOutcome => ({
    credentialId: "c",
    sites: [],
    apiCalls: 1,
    listing,
  });
  assert.deepEqual(discoveryEnd(outcome(), OPTIONS, now), { outcome: "succeeded" });
  assert.deepEqual(
    discoveryEnd(outcome({ status: "failed", error: "HTTP 500" }), OPTIONS, now),
    { outcome: "failed", error: "HTTP 500" },
  );
  assert.deepEqual(
    discoveryEnd(
      outcome({ status: "deferred", error: "Month spent", retryAfterMs: 86_400_000 }),
      OPTIONS,
      now,
    ),
    { outcome: "deferred", retryAfter: new Date(NOW.getTime() + 86_400_000), error: "Month spent" },
  );
  assert.equal(
    discoveryEnd(outcome({ status: "skipped", error: "Time" }), OPTIONS, now),
    undefined,
  );
});

Deno.test("the lease renewal is the run's heartbeat, at least every 30 s", async () => {
  assert.equal(heartbeatMs(120), 30_000);
  assert.equal(heartbeatMs(30), 10_000);
  assert.equal(heartbeatMs(3_600), 30_000);
  const { store, deps, siteIds } = await world();
  const q = memoryJobs([job("j1", "good", siteIds("good"))]);
  const beats: Array<[string, number, string]> = [];
  q.store.renewLeases = (owner, seconds, runId) => {
    beats.push([owner, seconds, runId]);
    return Promise.resolve(1);
  };
  // A first claim slow enough for one beat (every second with 3 s leases).
  const claim = q.store.claim;
  q.store.claim = async (...args) => {
    await new Promise((r) => setTimeout(r, 1300));
    return await claim(...args);
  };
  store.runs.set("run-1", { finished: false });
  await runQueue({ ...deps, jobs: q.store }, { ...OPTIONS, leaseSeconds: 3 });
  assert.ok(beats.length >= 1);
  assert.deepEqual(beats[0], ["solaredge:run-1", 3, "run-1"]);
});
