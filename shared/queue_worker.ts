/**
 * One invocation of `POST /<vendor>/run {"queue":true}` (ARCHITECTURE §5): claim due jobs under a
 * lease, run each job's sites through the per-credential executor (credential_run.ts), renew the
 * leases while it works, end each job, and keep claiming until no job is due or the invocation's
 * budgets are near; whatever it still holds then goes back to the queue. The whole invocation is
 * one run, recorded by the run's writer (run_recorder.ts).
 */
import { type RunControl, runCredential } from "./credential_run.ts";
import { type CpuClock, processCpuMs, sampledEvery } from "./cpu_clock.ts";
import type { ClaimedJob, JobEnd, JobStore } from "./job_store.ts";
import type { Logger } from "./logger.ts";
import { mapLimit } from "./pool.ts";
import { recordCredential, summarize } from "./run_recorder.ts";
import type { CredentialOutcome, RunDeps, RunSummary } from "./run_types.ts";
import { errorMessage } from "./site_run.ts";
import type { CredentialRow } from "./store.ts";

export interface QueueOptions {
  runId: string;
  /** The lease owner: unique to this invocation. */
  owner: string;
  /** No site starts after this instant (the wall clock less a reserve for the last writes). */
  deadline: Date;
  /** No job is claimed after this instant, so claimed work has time to finish. */
  claimUntil: Date;
  /** A second guard on the CPU budget: no job is claimed once this many sites were worked. */
  maxSites: number;
  /**
   * This invocation's CPU budget in ms (the Edge limit is 2,000): no job is claimed once 40 % of
   * it is spent, and no site starts once 70 % is, so the sites in flight finish well inside it.
   */
  cpuBudgetMs?: number;
  leaseSeconds: number;
  /** Jobs claimed at once; they run in parallel, one credential each. */
  claimBatch: number;
  /** How long a job the vendor paused waits when the pause names no time of its own. */
  deferSeconds: number;
  /**
   * Aborted when the worker is told to stop (`beforeunload`) and its leases go back: no claim,
   * site or vendor call starts after it, and calls in flight end, since another invocation may
   * take the credential at once and a key's calls from both would overspend its limit.
   */
  signal?: AbortSignal;
}

export interface QueueDeps<S> extends RunDeps<S> {
  jobs: JobStore;
  /** The CPU used so far (cpu_clock.ts); tests inject one. */
  cpuMs?: CpuClock;
}

export interface QueueSummary extends RunSummary {
  jobs: Array<{ jobId: string; status: string | null }>;
  released: number;
}

/** The longest gap between two heartbeats of a run (private.touch_run). */
const HEARTBEAT_S = 30;
const TIME_LIMIT = "Run stopped before the time limit; the job goes back to the queue";
const CPU_LIMIT = "Run stopped before the CPU limit; the job goes back to the queue";
const STOPPING = "Run stopped: the function is shutting down; the job goes back to the queue";
/** Shares of the CPU budget at which claims stop, and then new sites. */
const CLAIM_SHARE = 0.4;
const SITE_SHARE = 0.7;

export async function runQueue<S>(
  deps: QueueDeps<S>,
  options: QueueOptions,
): Promise<QueueSummary> {
  const now = deps.now ?? (() => new Date());
  const source = deps.adapter.spec.source;
  const log = deps.logger.scope({ run: options.runId, source, owner: options.owner });
  const cpuMs = deps.cpuMs ?? sampledEvery(processCpuMs);
  const cpu0 = cpuMs();
  const cpuSpent = (share: number) =>
    options.cpuBudgetMs !== undefined && cpuMs() - cpu0 >= share * options.cpuBudgetMs;
  let stopReason: string | undefined;
  const control: RunControl = {
    stopReason: () =>
      stopReason ??
        (options.signal?.aborted
          ? STOPPING
          : now() >= options.deadline
          ? TIME_LIMIT
          : cpuSpent(SITE_SHARE)
          ? CPU_LIMIT
          : undefined),
    stop: (reason) => void (stopReason ??= reason),
  };
  const outcomes: CredentialOutcome[] = [];
  const ended: QueueSummary["jobs"] = [];
  let sitesWorked = 0;
  // Renewed well before expiry; a lost lease shows in finish (null), which then records nothing.
  // The same call is the run's heartbeat, at least every 30 s: the dispatcher stops counting a
  // run whose worker was killed two minutes after its last beat.
  const renew = setInterval(() => {
    deps.jobs.renewLeases(options.owner, options.leaseSeconds, options.runId).catch((error) =>
      log.warn("Cannot renew the job leases", { error: errorMessage(error) })
    );
  }, heartbeatMs(options.leaseSeconds));
  let released = 0;
  try {
    const work = options.signal
      ? { ...deps, http: { ...deps.http, signal: options.signal } }
      : deps;
    while (
      !stopReason && !options.signal?.aborted && now() < options.claimUntil &&
      sitesWorked < options.maxSites && !cpuSpent(CLAIM_SHARE)
    ) {
      const claimed = await deps.jobs.claim(
        source,
        options.owner,
        options.claimBatch,
        options.leaseSeconds,
      );
      if (claimed.length === 0) break;
      // A credential's jobs run one after another; different credentials in parallel.
      const byCredential = new Map<string, ClaimedJob[]>();
      for (const j of claimed) {
        byCredential.set(j.credentialId, [...byCredential.get(j.credentialId) ?? [], j]);
      }
      await mapLimit([...byCredential.values()], options.claimBatch, async (jobs) => {
        for (const job of jobs) {
          const result = await runJob(work, options, job, control, log, now);
          sitesWorked += job.siteIds.length;
          if (result.outcome) {
            outcomes.push(result.outcome);
            await recordCredential(deps.store, options.runId, result.outcome);
          }
          // Closed only once their watermarks are written: a site out of its job with its old
          // watermark would look due to an enqueue in between, and be fetched again.
          if (result.done) await deps.jobs.finishSites(job.jobId, options.owner, result.done);
          if (result.end) {
            ended.push({
              jobId: job.jobId,
              status: await deps.jobs.finish(job.jobId, options.owner, result.end),
            });
          }
        }
      });
    }
  } catch (error) {
    const message = log.redactor.redact(errorMessage(error));
    // The run's scope masks its credentials' secrets; the handler that maps this error above
    // it does not know them.
    if (error instanceof Error) error.message = message;
    log.error("Queue run failed", { error: message });
    clearInterval(renew);
    released = await deps.jobs.release(options.owner).catch(() => 0);
    const partial = summarize(options.runId, outcomes, stopReason);
    await deps.store.finishRun(options.runId, partial.counts, message).catch(() => {});
    throw error;
  }
  clearInterval(renew);
  // Jobs cut short by the time limit keep their finished sites closed and go back at once.
  released = await deps.jobs.release(options.owner);
  const summary = summarize(options.runId, outcomes, stopReason);
  await deps.store.finishRun(options.runId, summary.counts, summary.stopReason);
  // Work handed back for lack of time or CPU is due now: the next invocation starts at once,
  // not at the next minute's dispatch. Its run has ended, so its slot counts as free.
  let dispatched = 0;
  if (released > 0) {
    dispatched = await deps.jobs.dispatch(source).catch((error) => {
      log.warn("Cannot dispatch the work handed back", { error: errorMessage(error) });
      return 0;
    });
  }
  log.info("Queue run finished", {
    ...summary.counts,
    jobs: ended.length,
    released,
    dispatched,
  });
  return { ...summary, jobs: ended, released };
}

/** How often a run renews its leases and beats: a third of the lease, at most 30 s. */
export function heartbeatMs(leaseSeconds: number): number {
  return Math.min(HEARTBEAT_S, Math.max(1, leaseSeconds / 3)) * 1000;
}

/** One job: its credential's executor over the job's sites, and how the job ends. */
async function runJob<S>(
  deps: QueueDeps<S>,
  options: QueueOptions,
  job: ClaimedJob,
  control: RunControl,
  log: Logger,
  now: () => Date,
): Promise<{ outcome?: CredentialOutcome; end?: JobEnd; done?: string[] }> {
  const [credential] = await deps.store.credentials(deps.adapter.spec.source, job.credentialId);
  if (!credential || credential.status !== "active") {
    const error = `Cannot run the job: credential ${job.credentialId} is ${
      credential?.status ?? "gone"
    }`;
    // Retrying cannot make it active; its sites are queued again once it is.
    return { end: { outcome: "dead", error } };
  }
  const window = job.windowFrom && job.windowTo
    ? { from: job.windowFrom, to: job.windowTo }
    : undefined;
  // A discovery job lists the sites and syncs none (no site matches an empty list); a site job
  // works from the stored sites.
  const discover = job.kind === "discover";
  const outcome = await runCredential(
    deps,
    {
      trigger: "cron",
      runId: options.runId,
      siteIds: discover ? [] : job.siteIds,
      listSites: discover,
      window,
    },
    credential as CredentialRow,
    control,
    log,
    now,
  );
  if (discover) {
    const end = discoveryEnd(outcome, options, now);
    // The sites it found are due now: queued at once (this credential's only), so this
    // invocation may claim them next.
    if (end?.outcome === "succeeded") {
      await deps.jobs.enqueueDue(deps.adapter.spec.source, credential.id);
    }
    return { outcome, end };
  }
  const done = outcome.sites.filter((s) => s.status === "succeeded").map((s) => s.siteId);
  return { outcome, end: jobEnd(outcome, options, now), done };
}

/**
 * A discovery job ends with its site list: failed when the list (or the credential) failed, a
 * vendor's pause defers it, the run's time limit leaves it held, to be released with the rest.
 */
export function discoveryEnd(
  outcome: CredentialOutcome,
  options: Pick<QueueOptions, "deferSeconds">,
  now: () => Date,
): JobEnd | undefined {
  if (outcome.error) return { outcome: "failed", error: outcome.error };
  const listing = outcome.listing;
  if (!listing) return { outcome: "succeeded" };
  if (listing.status === "skipped") return undefined;
  if (listing.status === "deferred") {
    const waitMs = listing.retryAfterMs ?? options.deferSeconds * 1000;
    return {
      outcome: "deferred",
      retryAfter: new Date(now().getTime() + waitMs),
      error: listing.error,
    };
  }
  return { outcome: "failed", error: listing.error };
}

/**
 * A failed site or credential fails the job (retried with backoff, dead at its last attempt); a
 * pause defers it without counting the attempt; sites the time limit skipped leave it held, to be
 * released with the rest; otherwise it succeeded.
 */
export function jobEnd(
  outcome: CredentialOutcome,
  options: Pick<QueueOptions, "deferSeconds">,
  now: () => Date,
): JobEnd | undefined {
  const failed = outcome.sites.find((s) => s.status === "failed");
  if (outcome.error && !failed) return { outcome: "failed", error: outcome.error };
  if (failed) {
    const error = `Site ${failed.vendorSiteId}: ${failed.error ?? "failed"}`;
    return { outcome: "failed", error };
  }
  const deferred = outcome.sites.find((s) => s.status === "deferred");
  if (deferred) {
    // Until the vendor's own Retry-After (a spent month waits for the next), else a while.
    const waitMs = deferred.retryAfterMs ?? options.deferSeconds * 1000;
    return {
      outcome: "deferred",
      retryAfter: new Date(now().getTime() + waitMs),
      error: deferred.error,
    };
  }
  if (outcome.sites.some((s) => s.status === "skipped")) return undefined;
  return { outcome: "succeeded" };
}
