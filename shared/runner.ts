/**
 * One sync run for one vendor: which credentials, which sites, which windows. The work on a site
 * and window is `syncSiteWindow`; this module only orchestrates it and keeps failures apart, so
 * one bad credential or site never stops the others.
 */
import type { Config } from "./config.ts";
import { type Keys, openCredential } from "./credential_context.ts";
import { FatalCredentialError, RetriableError, VendorConfigError } from "./errors.ts";
import type { HttpOptions } from "./http.ts";
import type { Logger } from "./logger.ts";
import { mapLimit } from "./pool.ts";
import type { ObjectStore } from "./s3.ts";
import type { CredentialRow, RunCounts, SiteRow, Store } from "./store.ts";
import { syncSiteWindow } from "./sync_site.ts";
import type { Adapter, AdapterContext, VendorConfig, Window } from "./types.ts";
import { planWindows, splitWindow } from "./windows.ts";

export interface RunDeps<S> {
  adapter: Adapter<S>;
  config: Pick<
    Config,
    "lookbackHours" | "catchUpMaxHours" | "initialHistoryHours" | "siteConcurrency"
  >;
  baseUrl: string;
  store: Store;
  objects: ObjectStore;
  keyring: Keys;
  vendorConfig?: VendorConfig;
  /** Test seam passed to the token manager (see token_manager.ts). */
  beforeTokenCommit?: () => void | Promise<void>;
  logger: Logger;
  now?: () => Date;
  http?: HttpOptions;
}

export interface RunOptions {
  trigger: "cron" | "manual" | "cli";
  dryRun?: boolean;
  /** Fetch exactly this many hours back from now instead of from each watermark. */
  lookbackHours?: number;
  /** A vendor site id or the site's uuid. */
  siteId?: string;
  credentialId?: string;
  runId?: string;
  /** Stop starting sites after this instant (Edge wall-clock limits); the rest waits. */
  deadline?: Date;
}

export interface SiteOutcome {
  siteId: string;
  vendorSiteId: string;
  organizationId: string;
  status: "succeeded" | "failed" | "skipped";
  objectKeys: string[];
  readings: number;
  error?: string;
}

export interface RunSummary {
  runId: string;
  counts: RunCounts;
  sites: SiteOutcome[];
  credentialErrors: Array<{ credentialId: string; error: string }>;
  /** Set when the vendor rejected the application itself; no further credential is tried. */
  stopReason?: string;
}

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
  try {
    sites = await deps.store.reconcileSites(credential, await deps.adapter.fetchSitesList(ctx));
  } catch (error) {
    if (error instanceof FatalCredentialError) {
      return await failCredentialSites(deps, options, credential, summary, fail(error), true);
    }
    if (error instanceof VendorConfigError) {
      summary.stopReason ??= fail(error);
      summary.credentialErrors.push({ credentialId: credential.id, error: fail(error) });
      return;
    }
    // Discovery is best effort: the sites already known can still be fetched.
    log.warn("Site discovery failed; using known sites", { error: fail(error) });
    sites = await deps.store.activeSites(credential.id);
  }
  sites = sites.filter((s) => matchesSite(s, options));
  let halt: string | undefined;
  const limit = Math.min(deps.adapter.spec.rateLimits.concurrency, deps.config.siteConcurrency);
  await mapLimit(sites, limit, async (site) => {
    summary.counts.sitesTotal++;
    const stop = halt ?? summary.stopReason ??
      (options.deadline && now() >= options.deadline
        ? "Run stopped before the time limit; the next run continues here"
        : undefined);
    if (stop) {
      return await record(deps, summary, credential, site, { status: "skipped", error: stop });
    }
    const outcome = await runSite(deps, options, ctx, summary, site, now);
    if (outcome.halt === "fatal" && !halt) {
      await deps.store.markCredential(credential.id, "needs_reauth", outcome.error ?? null);
    }
    if (outcome.halt === "config") summary.stopReason ??= outcome.error;
    if (outcome.halt) halt ??= outcome.error;
  });
}

async function runSite<S>(
  deps: RunDeps<S>,
  options: RunOptions,
  ctx: AdapterContext<S>,
  summary: RunSummary,
  site: SiteRow,
  now: () => Date,
): Promise<{ halt?: "fatal" | "pause" | "config"; error?: string }> {
  const spec = deps.adapter.spec;
  const windows: Window[] = options.lookbackHours
    ? splitWindow(
      { from: new Date(now().getTime() - options.lookbackHours * 3_600_000), to: now() },
      spec.resolutionMinutes,
      spec.maxRangeHours,
    )
    : planWindows({ ...deps.config, ...spec, now: now(), syncedThrough: site.synced_through });
  const keys: string[] = [];
  const totals = { readings: 0, dropped: 0, intervalsExpected: 0, intervalsReceived: 0 };
  const callsBefore = summary.counts.apiCalls;
  for (const window of windows) {
    try {
      const r = await syncSiteWindow(
        { adapter: deps.adapter, ctx, store: deps.store, objects: deps.objects },
        { runId: summary.runId, site, window },
      );
      keys.push(r.objectKey);
      summary.counts.objectsWritten++;
      totals.readings += r.readings;
      totals.dropped += r.dropped;
      totals.intervalsExpected += r.intervalsExpected;
      totals.intervalsReceived += r.intervalsReceived;
    } catch (error) {
      // Later windows wait: the watermark must never jump over a window that failed.
      const message = ctx.logger.redactor.redact(errorMessage(error));
      ctx.logger.warn("Site sync failed", { site: site.vendor_site_id, error: message });
      await deps.store.siteFailed(site.id, message);
      await record(deps, summary, null, site, {
        status: "failed",
        error: message,
        windows,
        keys,
        totals,
        apiCalls: summary.counts.apiCalls - callsBefore,
      });
      return { halt: haltKind(error), error: message };
    }
  }
  await record(deps, summary, null, site, {
    status: "succeeded",
    windows,
    keys,
    totals,
    apiCalls: summary.counts.apiCalls - callsBefore,
  });
  return {};
}

interface RecordInput {
  status: "succeeded" | "failed" | "skipped";
  error?: string;
  windows?: Window[];
  keys?: string[];
  totals?: {
    readings: number;
    dropped: number;
    intervalsExpected: number;
    intervalsReceived: number;
  };
  apiCalls?: number;
}

async function record<S>(
  deps: RunDeps<S>,
  summary: RunSummary,
  credential: CredentialRow | null,
  site: SiteRow,
  r: RecordInput,
): Promise<void> {
  if (r.status === "succeeded") summary.counts.sitesSucceeded++;
  else summary.counts.sitesFailed++;
  summary.sites.push({
    siteId: site.id,
    vendorSiteId: site.vendor_site_id,
    organizationId: site.organization_id,
    status: r.status,
    objectKeys: r.keys ?? [],
    readings: r.totals?.readings ?? 0,
    error: r.error,
  });
  await deps.store.siteResult({
    runId: summary.runId,
    organizationId: site.organization_id,
    credentialId: credential?.id ?? site.credential_id,
    siteId: site.id.startsWith("new:") ? null : site.id,
    status: r.status,
    windowFrom: r.windows?.[0]?.from,
    windowTo: r.windows?.at(-1)?.to,
    readings: r.totals?.readings,
    dropped: r.totals?.dropped,
    intervalsExpected: r.totals?.intervalsExpected,
    intervalsReceived: r.totals?.intervalsReceived,
    apiCalls: r.apiCalls,
    objectKeys: r.keys,
    error: r.error,
  });
}

/** A credential that cannot be used: its known sites are marked, nothing calls the vendor. */
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
    await record(deps, summary, credential, site, { status: "failed", error: message });
  }
}

function matchesSite(site: SiteRow, options: RunOptions): boolean {
  return !options.siteId || site.vendor_site_id === options.siteId || site.id === options.siteId;
}

function publicOptions(o: RunOptions) {
  return {
    lookbackHours: o.lookbackHours ?? null,
    siteId: o.siteId ?? null,
    credentialId: o.credentialId ?? null,
  };
}

/** Errors after which this credential's other sites are not tried in this run. */
function haltKind(error: unknown): "fatal" | "pause" | "config" | undefined {
  if (error instanceof FatalCredentialError) return "fatal";
  if (error instanceof VendorConfigError) return "config";
  // The vendor asked for a pause (GoodWe GY0429): calling again now would only earn more.
  if (error instanceof RetriableError && (error.retryAfterMs ?? 0) >= 60_000) return "pause";
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
