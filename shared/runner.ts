/**
 * One sync run for one vendor: which credentials, and for each the executor (credential_run.ts)
 * whose outcomes the writer (run_recorder.ts) records. Failures stay apart, so one bad credential
 * or site never stops the others.
 */
import { type RunControl, runCredential } from "./credential_run.ts";
import { mapLimit } from "./pool.ts";
import { recordCredential, startRun, summarize } from "./run_recorder.ts";
import type { CredentialOutcome, RunDeps, RunOptions, RunSummary } from "./run_types.ts";
import { errorMessage } from "./site_run.ts";

export type { RunDeps, RunOptions, RunSummary, SiteOutcome } from "./run_types.ts";

const TIME_LIMIT = "Run stopped before the time limit; the next run continues here";

export async function runSync<S>(deps: RunDeps<S>, options: RunOptions): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const source = deps.adapter.spec.source;
  const runId = options.runId ?? await startRun(deps.store, source, options);
  const log = deps.logger.scope({ run: runId, source });
  let stopReason: string | undefined;
  const control: RunControl = {
    stopReason: () =>
      stopReason ?? (options.deadline && now() >= options.deadline ? TIME_LIMIT : undefined),
    stop: (reason) => void (stopReason ??= reason),
  };
  const outcomes: CredentialOutcome[] = [];
  try {
    const credentials = await deps.store.credentials(source, options.credentialId);
    for (const c of credentials.filter((c) => c.status !== "active")) {
      outcomes.push({
        credentialId: c.id,
        sites: [],
        apiCalls: 0,
        error: `Credential is ${c.status}`,
      });
    }
    // A known site narrows the run to its credentials; an unknown one needs every discovery.
    const owners = options.siteId ? await deps.store.siteCredentials(source, options.siteId) : [];
    const active = credentials.filter((c) =>
      c.status === "active" && (owners.length === 0 || owners.includes(c.id))
    );
    await mapLimit(active, 4, async (c) => {
      const outcome = await runCredential(deps, { ...options, runId }, c, control, log, now);
      outcomes.push(outcome);
      await recordCredential(
        deps.store,
        runId,
        outcome,
        options.dryRun ? (deps.dryRunReport ?? (() => {})) : undefined,
      );
    });
  } catch (error) {
    const message = log.redactor.redact(errorMessage(error));
    // The run's scope masks its credentials' secrets; the handler that maps this error above
    // it does not know them.
    if (error instanceof Error) error.message = message;
    log.error("Sync run failed", { error: message });
    const partial = summarize(runId, outcomes, stopReason);
    if (!options.dryRun) await deps.store.finishRun(runId, partial.counts, message).catch(() => {});
    throw error;
  }
  // A site id that no credential has, even after listing every credential's sites, is the
  // caller's mistake: the run fails and says so, instead of succeeding with nothing done.
  if (options.siteId && !outcomes.some((o) => o.sites.length > 0)) {
    stopReason ??= `Cannot sync site "${options.siteId}": no ${source} credential has a site ` +
      "with that vendor id or uuid, even after listing their sites";
  }
  const summary = summarize(runId, outcomes, stopReason);
  if (!options.dryRun) await deps.store.finishRun(runId, summary.counts, summary.stopReason);
  log.info("Sync run finished", { ...summary.counts });
  return summary;
}
