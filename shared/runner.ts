/**
 * One sync run for one vendor: which credentials, which sites, which windows. The work on a site
 * and window is `syncSiteWindow`; this module only orchestrates it and keeps failures apart, so
 * one bad credential or site never stops the others.
 */
import { openCredential } from "./credential_context.ts";
import { FatalCredentialError, RetriableError, VendorConfigError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { mapLimit } from "./pool.ts";
import type { RunDeps, RunOptions, RunSummary } from "./run_types.ts";
import { errorMessage, matchesSite, recordSite, runSite } from "./site_run.ts";
import { type CredentialRow, knownSites, type SiteRow } from "./store.ts";
import type { AdapterContext } from "./types.ts";

export type { RunDeps, RunOptions, RunSummary, SiteOutcome } from "./run_types.ts";

export async function runSync<S>(deps: RunDeps<S>, options: RunOptions): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const source = deps.adapter.spec.source;
  const runId = options.runId ??
    await deps.store.startRun(source, options.trigger, publicOptions(options), !!options.dryRun);
  const summary: RunSummary = {
    runId,
    counts: { sitesTotal: 0, sitesSucceeded: 0, sitesFailed: 0, apiCalls: 0, objectsWritten: 0 },
    sites: [],
    credentialErrors: [],
  };
  const log = deps.logger.child({ run: runId, source });
  try {
    const credentials = await deps.store.credentials(source, options.credentialId);
    for (const c of credentials.filter((c) => c.status !== "active")) {
      summary.credentialErrors.push({ credentialId: c.id, error: `Credential is ${c.status}` });
    }
    // A known site narrows the run to its credentials; an unknown one needs every discovery.
    const owners = options.siteId ? await deps.store.siteCredentials(source, options.siteId) : [];
    const active = credentials.filter((c) =>
      c.status === "active" && (owners.length === 0 || owners.includes(c.id))
    );
    await mapLimit(active, 4, (c) => runCredential(deps, options, c, summary, log, now));
    await deps.store.finishRun(runId, summary.counts, summary.stopReason);
  } catch (error) {
    const message = log.redactor.redact(errorMessage(error));
    log.error("Sync run failed", { error: message });
    await deps.store.finishRun(runId, summary.counts, message).catch(() => {});
    throw error;
  }
  log.info("Sync run finished", { ...summary.counts });
  return summary;
}

async function runCredential<S>(
  deps: RunDeps<S>,
  options: RunOptions,
  credential: CredentialRow,
  summary: RunSummary,
  parentLog: Logger,
  now: () => Date,
): Promise<void> {
  if (summary.stopReason) return;
  const log = parentLog.child({ credential: credential.id });
  const fail = (error: unknown) => log.redactor.redact(errorMessage(error));
  let ctx: AdapterContext<S>;
  let sites: SiteRow[];
  try {
    ctx = await openCredential(deps.adapter, credential, {
      baseUrl: deps.baseUrl,
      keyring: deps.keyring,
      vendorConfig: deps.vendorConfig,
      store: deps.store,
      beforeTokenCommit: deps.beforeTokenCommit,
      logger: log,
      now,
      http: deps.http,
      countCall: () => summary.counts.apiCalls++,
    });
  } catch (error) {
    return await failCredentialSites(deps, options, credential, summary, fail(error), false);
  }
  let halt: string | undefined;
  // Set when the vendor asked for a pause: the skipped sites then say so on their status.
  let paused = false;
  try {
    const known = knownSites(await deps.store.activeSites(credential.id));
    sites = await deps.store.reconcileSites(
      credential,
      await deps.adapter.fetchSitesList(ctx, known),
    );
  } catch (error) {
    if (error instanceof FatalCredentialError) {
      return await failCredentialSites(deps, options, credential, summary, fail(error), true);
    }
    if (error instanceof VendorConfigError) {
      summary.stopReason ??= fail(error);
      summary.credentialErrors.push({ credentialId: credential.id, error: fail(error) });
      return;
    }
    // Discovery is best effort: the sites already known can still be fetched, unless the vendor
    // asked to leave the credential alone (a spent quota): then they are skipped with its reason.
    log.warn("Site discovery failed; using known sites", { error: fail(error) });
    if (error instanceof RetriableError && (error.retryAfterMs ?? 0) >= 60_000) {
      halt = fail(error);
      paused = true;
    }
    sites = await deps.store.activeSites(credential.id);
  }
  sites = sites.filter((s) => matchesSite(s, options));
  const limit = Math.min(deps.adapter.spec.rateLimits.concurrency, deps.config.siteConcurrency);
  await mapLimit(sites, limit, async (site) => {
    summary.counts.sitesTotal++;
    const stop = halt ?? summary.stopReason ??
      (options.deadline && now() >= options.deadline
        ? "Run stopped before the time limit; the next run continues here"
        : undefined);
    if (stop) {
      if (paused && stop === halt) await deps.store.sitePaused(site.id, stop);
      return await recordSite(deps, summary, credential, site, { status: "skipped", error: stop });
    }
    const outcome = await runSite(deps, options, ctx, summary, site, now);
    if (outcome.halt === "fatal" && !halt) {
      await deps.store.markCredential(credential.id, "needs_reauth", outcome.error ?? null);
    }
    if (outcome.halt === "config") summary.stopReason ??= outcome.error;
    if (outcome.halt && !halt) {
      halt = outcome.error;
      paused = outcome.halt === "pause";
    }
  });
}

async function failCredentialSites<S>(
  deps: RunDeps<S>,
  options: RunOptions,
  credential: CredentialRow,
  summary: RunSummary,
  message: string,
  needsReauth: boolean,
): Promise<void> {
  summary.credentialErrors.push({ credentialId: credential.id, error: message });
  if (needsReauth) await deps.store.markCredential(credential.id, "needs_reauth", message);
  const sites = (await deps.store.activeSites(credential.id)).filter((s) =>
    matchesSite(s, options)
  );
  for (const site of sites) {
    summary.counts.sitesTotal++;
    await deps.store.siteFailed(site.id, message);
    await recordSite(deps, summary, credential, site, { status: "failed", error: message });
  }
}

function publicOptions(o: RunOptions) {
  return {
    lookbackHours: o.lookbackHours ?? null,
    siteId: o.siteId ?? null,
    credentialId: o.credentialId ?? null,
  };
}
