/**
 * One site within a run: plan its windows, sync them oldest first with `syncSiteWindow`, stop at
 * the first failure so the watermark never jumps a gap, and record the outcome. runner.ts decides
 * which sites; this decides what happens to one.
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "./errors.ts";
import type { RunDeps, RunOptions, RunSummary } from "./run_types.ts";
import type { CredentialRow, SiteRow } from "./store.ts";
import { syncSiteWindow } from "./sync_site.ts";
import type { AdapterContext, Window } from "./types.ts";
import { planWindows, splitWindow } from "./windows.ts";

export async function runSite<S>(
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
      const paused = haltKind(error) === "pause";
      ctx.logger.warn(paused ? "Site paused" : "Site sync failed", {
        site: site.vendor_site_id,
        error: message,
      });
      if (paused) await deps.store.sitePaused(site.id, message);
      else await deps.store.siteFailed(site.id, message);
      await recordSite(deps, summary, null, site, {
        status: paused ? "skipped" : "failed",
        error: message,
        windows,
        keys,
        totals,
        apiCalls: summary.counts.apiCalls - callsBefore,
      });
      return { halt: haltKind(error), error: message };
    }
  }
  await recordSite(deps, summary, null, site, {
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

export async function recordSite<S>(
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
export function matchesSite(site: SiteRow, options: RunOptions): boolean {
  return !options.siteId || site.vendor_site_id === options.siteId || site.id === options.siteId;
}

/** Errors after which this credential's other sites are not tried in this run. */
function haltKind(error: unknown): "fatal" | "pause" | "config" | undefined {
  if (error instanceof FatalCredentialError) return "fatal";
  if (error instanceof VendorConfigError) return "config";
  // The vendor asked for a pause (GoodWe GY0429): calling again now would only earn more.
  if (error instanceof RetriableError && (error.retryAfterMs ?? 0) >= 60_000) return "pause";
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
