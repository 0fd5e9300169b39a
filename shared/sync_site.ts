/**
 * The unit of work: one site and one window. Fetch from the vendor and upload the envelope; a
 * window counts as landed only once the upload succeeded, and only landed windows move the
 * watermark, which the run's writer (run_recorder.ts) records with the site's result, in one
 * statement for all of a credential's sites. Orchestration (which sites, which windows) lives in
 * site_run.ts and above.
 */
import { type Daylight, daylightCoverage } from "./daylight.ts";
import { buildEnvelope } from "./envelope.ts";
import { assertReadable } from "./unreadable.ts";
import { saneReadings } from "./sane_readings.ts";
import { objectKey } from "./keys.ts";
import type { DryRunWrite } from "./run_types.ts";
import type { ObjectStore } from "./s3.ts";
import type { SiteRow } from "./store.ts";
import type { Adapter, AdapterContext } from "./types.ts";
import type { AlignedWindow } from "./windows.ts";

export interface SiteJob {
  runId: string;
  site: SiteRow;
  window: AlignedWindow;
}

export interface SiteJobDeps<S> {
  adapter: Adapter<S>;
  ctx: AdapterContext<S>;
  objects: ObjectStore;
  /** A dry run: the object and the watermark are described here instead of written. */
  dryRun?: (write: DryRunWrite) => void;
}

export interface SiteJobResult {
  objectKey: string;
  readings: number;
  dropped: number;
  intervalsExpected: number;
  intervalsReceived: number;
  /** Of the window's core-daylight intervals, how many hold a reading (daylight.ts). */
  daylight: Daylight;
}

export async function syncSiteWindow<S>(
  deps: SiteJobDeps<S>,
  job: SiteJob,
): Promise<SiteJobResult> {
  const { adapter, ctx, site } = { ...deps, site: job.site };
  const window = { from: job.window.from, to: job.window.to };
  const fetched = await adapter.fetchSiteData(
    ctx,
    { vendorSiteId: site.vendor_site_id, timezone: site.timezone },
    window,
  );
  // A response nobody could read is a bad record, not an empty success that moves the watermark.
  assertReadable(`${adapter.spec.source} site ${site.vendor_site_id}`, fetched);
  const sane = saneReadings(fetched.readings, window);
  const data = { ...fetched, readings: sane.readings, dropped: fetched.dropped + sane.dropped };
  const key = objectKey({
    source: adapter.spec.source,
    orgId: site.organization_id,
    siteId: site.vendor_site_id,
    // The aligned end, not how far the window is covered yet: the window's one object.
    windowEnd: job.window.end,
  });
  const envelope = buildEnvelope({
    source: adapter.spec.source,
    organizationId: site.organization_id,
    site: {
      id: site.id,
      vendorSiteId: site.vendor_site_id,
      name: site.name,
      timezone: site.timezone,
    },
    window,
    fetchedAt: ctx.now(),
    runId: job.runId,
    apiVersion: adapter.spec.apiVersion,
    ...data,
  });
  // Secrets are never meant to be in a vendor body, but a body that echoes one is masked here.
  const body = ctx.logger.redactor.redact(JSON.stringify(envelope));
  if (deps.dryRun) {
    deps.dryRun({ kind: "object", key, readings: data.readings.length, bytes: body.length });
    deps.dryRun({
      kind: "row",
      what: `set site ${site.vendor_site_id} synced through ${job.window.to.toISOString()}`,
    });
  } else {
    await deps.objects.put(key, body);
  }
  return {
    objectKey: key,
    readings: data.readings.length,
    dropped: data.dropped,
    intervalsExpected: data.intervalsExpected,
    intervalsReceived: data.intervalsReceived,
    daylight: daylightCoverage(
      data.readings,
      window,
      site.timezone,
      adapter.spec.resolutionMinutes,
    ),
  };
}
