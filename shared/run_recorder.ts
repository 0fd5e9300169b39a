/**
 * The one writer of a run: it creates the run row, records each credential's outcome (the
 * credential's `needs_reauth`, each site's status and result row) and closes the run with counts
 * derived from the outcomes. The executor (credential_run.ts) decides; this writes.
 */
import type {
  CredentialOutcome,
  DryRunWrite,
  RunOptions,
  RunSummary,
  SiteOutcome,
} from "./run_types.ts";
import type { CredentialStore, RunCounts, RunStore, SiteResult } from "./store.ts";

/** What the writer writes: run rows, site statuses, and a credential's needs_reauth. */
type RunWrites = RunStore & Pick<CredentialStore, "markCredential">;
import type { Source } from "./types.ts";

/** The id of a dry run, which has no row. */
export const DRY_RUN_ID = "dry-run";

/** Creates the run row; the HTTP route and the CLI both start their runs here. */
export async function startRun(
  store: RunStore,
  source: Source,
  options: RunOptions & { queue?: boolean },
) {
  if (options.dryRun) return DRY_RUN_ID;
  return await store.startRun(source, options.trigger, {
    lookbackHours: options.lookbackHours ?? null,
    siteId: options.siteId ?? null,
    credentialId: options.credentialId ?? null,
    // The dispatcher counts a queue invocation as working from here, before it holds a lease.
    queue: options.queue ?? false,
  }, false);
}

/**
 * Records what one credential's executor returned. `dryRun` describes each write instead of
 * making it (a dry run's result rows are not described: they are what the CLI prints).
 */
export async function recordCredential(
  store: RunWrites,
  runId: string,
  outcome: CredentialOutcome,
  dryRun?: (write: DryRunWrite) => void,
): Promise<void> {
  const say = (what: string) => dryRun?.({ kind: "row", what });
  if (outcome.needsReauth) {
    if (dryRun) say(`mark credential ${outcome.credentialId} needs_reauth: ${outcome.needsReauth}`);
    else await store.markCredential(outcome.credentialId, "needs_reauth", outcome.needsReauth);
  }
  if (!dryRun) {
    await store.recordSites(outcome.sites.map((site) => siteResult(runId, site)));
    return;
  }
  for (const site of outcome.sites) {
    if (site.status === "failed") say(`record failure on site ${site.vendorSiteId}: ${site.error}`);
    if (site.status === "deferred") say(`record pause on site ${site.vendorSiteId}: ${site.error}`);
  }
}

function siteResult(runId: string, site: SiteOutcome): SiteResult {
  return {
    runId,
    organizationId: site.organizationId,
    credentialId: site.credentialId,
    siteId: site.siteId,
    status: site.status,
    windowFrom: site.windows?.[0]?.from,
    windowTo: site.windows?.at(-1)?.to,
    readings: site.totals?.readings,
    dropped: site.totals?.dropped,
    intervalsExpected: site.totals?.intervalsExpected,
    intervalsReceived: site.totals?.intervalsReceived,
    apiCalls: site.apiCalls,
    objectKeys: site.objectKeys,
    error: site.error,
    syncedThrough: site.syncedThrough,
    coverage: site.coverage,
  };
}

export function summarize(
  runId: string,
  outcomes: CredentialOutcome[],
  stopReason?: string,
): RunSummary {
  const sites = outcomes.flatMap((o) => o.sites);
  const counts: RunCounts = {
    sitesTotal: sites.length,
    sitesSucceeded: sites.filter((s) => s.status === "succeeded").length,
    sitesFailed: sites.filter((s) => s.status === "failed").length,
    apiCalls: outcomes.reduce(
      (n, o) => n + o.apiCalls + o.sites.reduce((m, s) => m + s.apiCalls, 0),
      0,
    ),
    objectsWritten: sites.reduce((n, s) => n + s.objectKeys.length, 0),
  };
  const credentialErrors = outcomes.filter((o) => o.error).map((o) => ({
    credentialId: o.credentialId,
    error: o.error!,
  }));
  return { runId, counts, sites, credentialErrors, stopReason };
}
