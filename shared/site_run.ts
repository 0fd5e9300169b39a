/**
 * One site within a run: plan its windows, sync them oldest first with `syncSiteWindow`, and stop
 * at the first failure so the watermark never jumps a gap. It returns the site's outcome, with how
 * far its windows landed, and writes nothing but the unit of work's objects; the run's writer
 * (run_recorder.ts) records the rest.
 */
import {
  FatalCredentialError,
  OutOfTimeError,
  RetriableError,
  VendorConfigError,
} from "./errors.ts";
import type {
  RunDeps,
  RunOptions,
  SiteOutcome,
  WindowCoverage,
  WindowTotals,
} from "./run_types.ts";
import type { SiteRow } from "./store.ts";
import { syncSiteWindow } from "./sync_site.ts";
import type { AdapterContext } from "./types.ts";
import { type AlignedWindow, alignedWindows, alignmentOf, planWindows } from "./windows.ts";

/** Errors after which this credential's other sites are not tried in this run. */
export type Halt = "fatal" | "pause" | "config" | "time";

export interface SiteRunResult {
  outcome: SiteOutcome;
  halt?: Halt;
  /** With `halt: "fatal"`: the credential's row says needs_reauth already. */
  recorded?: boolean;
}

export async function runSite<S>(
  deps: RunDeps<S>,
  options: RunOptions,
  ctx: AdapterContext<S>,
  runId: string,
  site: SiteRow,
  now: () => Date,
): Promise<SiteRunResult> {
  const spec = deps.adapter.spec;
  const align = {
    now: now(),
    resolutionMinutes: spec.resolutionMinutes,
    alignment: alignmentOf(spec),
    timezone: site.timezone,
  };
  // An explicit window (a job's) or a lookback asks for whole aligned windows too, so it rewrites
  // each object as a catch-up would.
  const windows: AlignedWindow[] = options.window
    ? alignedWindows(options.window, align)
    : options.lookbackHours
    ? alignedWindows(
      { from: new Date(align.now.getTime() - options.lookbackHours * 3_600_000), to: align.now },
      align,
    )
    : planWindows({ ...deps.config, ...align, syncedThrough: site.synced_through });
  const keys: string[] = [];
  const coverage: WindowCoverage[] = [];
  const totals: WindowTotals = {
    readings: 0,
    dropped: 0,
    intervalsExpected: 0,
    intervalsReceived: 0,
  };
  // The end of the last window that landed: how far the writer moves the watermark.
  let syncedThrough: Date | undefined;
  const outcome = (status: SiteOutcome["status"], error?: string): SiteOutcome => ({
    ...siteOutcome(site, status, error),
    ...(syncedThrough ? { syncedThrough } : {}),
    objectKeys: keys,
    readings: totals.readings,
    windows,
    totals,
    coverage,
  });
  for (const window of windows) {
    try {
      const r = await syncSiteWindow(
        {
          adapter: deps.adapter,
          ctx,
          objects: deps.objects,
          dryRun: options.dryRun ? (deps.dryRunReport ?? (() => {})) : undefined,
        },
        { runId, site, window },
      );
      keys.push(r.objectKey);
      coverage.push({
        from: window.from,
        to: window.to,
        end: window.end,
        daylightExpected: r.daylight.expected,
        daylightReceived: r.daylight.received,
      });
      syncedThrough = window.to;
      totals.readings += r.readings;
      totals.dropped += r.dropped;
      totals.intervalsExpected += r.intervalsExpected;
      totals.intervalsReceived += r.intervalsReceived;
    } catch (error) {
      // Later windows wait: the watermark must never jump over a window that failed.
      const message = ctx.logger.redactor.redact(errorMessage(error));
      const halt = haltKind(error);
      ctx.logger.warn(LOG[halt ?? "failed"], { site: site.vendor_site_id, error: message });
      // Out of time is no failure of the site: it is skipped, and its failure count stays.
      const status = halt === "pause" ? "deferred" : halt === "time" ? "skipped" : "failed";
      const retryAfterMs = halt === "pause" && error instanceof RetriableError
        ? error.retryAfterMs
        : undefined;
      return {
        outcome: { ...outcome(status, message), ...(retryAfterMs ? { retryAfterMs } : {}) },
        halt,
        recorded: error instanceof FatalCredentialError && error.recorded,
      };
    }
  }
  return { outcome: outcome("succeeded") };
}

/** A site's outcome without windows or calls: a site the run did not fetch. */
export function siteOutcome(
  site: SiteRow,
  status: SiteOutcome["status"],
  error?: string,
): SiteOutcome {
  return {
    siteId: site.id,
    vendorSiteId: site.vendor_site_id,
    organizationId: site.organization_id,
    credentialId: site.credential_id,
    status,
    objectKeys: [],
    readings: 0,
    apiCalls: 0,
    error,
  };
}

export function matchesSite(site: SiteRow, options: RunOptions): boolean {
  if (options.siteIds && !options.siteIds.includes(site.id)) return false;
  return !options.siteId || site.vendor_site_id === options.siteId || site.id === options.siteId;
}

const LOG = {
  failed: "Site sync failed",
  fatal: "Site sync failed",
  config: "Site sync failed",
  pause: "Site paused",
  time: "Site skipped: the run's time ran out",
};

export function haltKind(error: unknown): Halt | undefined {
  if (error instanceof OutOfTimeError) return "time";
  if (error instanceof FatalCredentialError) return "fatal";
  if (error instanceof VendorConfigError) return "config";
  return isPause(error) ? "pause" : undefined;
}

/** The vendor asked for a pause (GoodWe GY0429, a spent month): calling again now earns more. */
export function isPause(error: unknown): boolean {
  return error instanceof RetriableError && (error.retryAfterMs ?? 0) >= 60_000;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
