/**
 * The executor of one credential in a run: open it, list its sites, sync each site (runSite) and
 * return every site's outcome. It records nothing about the run itself; the writer
 * (run_recorder.ts) does, from what this returns.
 */
import { openCredential } from "./credential_context.ts";
import {
  FatalCredentialError,
  OutOfTimeError,
  type RetriableError,
  VendorConfigError,
} from "./errors.ts";
import type { Logger } from "./logger.ts";
import { mapLimit } from "./pool.ts";
import type {
  CredentialOutcome,
  DryRunWrite,
  RunDeps,
  RunOptions,
  SiteOutcome,
} from "./run_types.ts";
import { errorMessage, isPause, matchesSite, runSite, siteOutcome } from "./site_run.ts";
import { storableSites } from "./storable_sites.ts";
import { type CredentialRow, knownSites, type SiteRow } from "./store.ts";
import type { AdapterContext, VendorSite } from "./types.ts";

/** What the credentials of one run share: whether the run as a whole must stop starting work. */
export interface RunControl {
  /** Why no further site should start (the time limit, a rejected application), if so. */
  stopReason(): string | undefined;
  /** The vendor rejected the application itself: no credential can work. */
  stop(reason: string): void;
}

export async function runCredential<S>(
  deps: RunDeps<S>,
  options: RunOptions & { runId: string },
  credential: CredentialRow,
  control: RunControl,
  parentLog: Logger,
  now: () => Date,
): Promise<CredentialOutcome> {
  const log = parentLog.scope({ credential: credential.id });
  const fail = (error: unknown) => log.redactor.redact(errorMessage(error));
  let credentialCalls = 0;
  const result = (sites: SiteOutcome[], extra: Partial<CredentialOutcome> = {}) => ({
    credentialId: credential.id,
    sites,
    apiCalls: credentialCalls,
    ...extra,
  });
  const stored = async () =>
    (await deps.store.activeSites(credential.id)).filter((s) => matchesSite(s, options));
  // Checked before decryption and discovery too: those call the vendor and take time.
  const early = control.stopReason();
  // A site list cut short this way is skipped too, so its discovery job is held, not closed.
  const skippedListing = (error: string) =>
    options.listSites === false ? {} : { listing: { status: "skipped" as const, error } };
  if (early) {
    return result(
      (await stored()).map((s) => siteOutcome(s, "skipped", early)),
      skippedListing(early),
    );
  }
  let ctx: AdapterContext<S> & { forSite(count: () => void): AdapterContext<S> };
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
      deadline: options.deadline,
      countCall: () => credentialCalls++,
    });
  } catch (error) {
    const message = fail(error);
    // A token renewal the run's time cut short fails nothing: like a stop before the credential,
    // its sites (and its site list) are skipped, each saying why, and its job is held.
    if (error instanceof OutOfTimeError) {
      return result(
        (await stored()).map((s) => siteOutcome(s, "skipped", message)),
        skippedListing(message),
      );
    }
    return result((await stored()).map((s) => siteOutcome(s, "failed", message)), {
      error: message,
    });
  }
  // Set once a site (or the site list) stops the credential: the rest say why, unfetched.
  let halt: { status: "skipped" | "deferred"; error: string } | undefined;
  let needsReauth: string | undefined;
  let sites: SiteRow[];
  let listing: CredentialOutcome["listing"];
  if (options.listSites === false) {
    sites = await deps.store.activeSites(credential.id);
  } else {
    try {
      const stored = await deps.store.activeSites(credential.id);
      const storable = storableSites(await deps.adapter.fetchSitesList(ctx, knownSites(stored)));
      const listed = storable.sites;
      if (storable.problem) {
        // Only those sites are left out; the message stays on the listing, for the job and run.
        log.warn("Refused sites from the vendor's list", { error: storable.problem });
        listing = { status: "failed", error: storable.problem };
      }
      sites = options.dryRun
        ? plannedSites(credential, stored, listed, deps.dryRunReport)
        : await deps.store.reconcileSites(credential, listed);
    } catch (error) {
      const message = fail(error);
      if (error instanceof FatalCredentialError) {
        return result((await stored()).map((s) => siteOutcome(s, "failed", message)), {
          error: message,
          needsReauth: error.recorded ? undefined : message,
        });
      }
      if (error instanceof VendorConfigError) {
        control.stop(message);
        return result([], { error: message });
      }
      // Discovery is best effort: the sites already known can still be fetched, unless the
      // vendor asked to leave the credential alone (a spent quota): then they are deferred with
      // its reason.
      log.warn("Site discovery failed; using known sites", { error: message });
      listing = { status: "failed", error: message };
      if (isPause(error)) {
        halt = { status: "deferred", error: message };
        listing = { ...halt, retryAfterMs: (error as RetriableError).retryAfterMs };
      }
      if (error instanceof OutOfTimeError) listing = halt = { status: "skipped", error: message };
      sites = await deps.store.activeSites(credential.id);
    }
  }
  sites = sites.filter((s) => matchesSite(s, options));
  const limit = Math.min(deps.adapter.spec.rateLimits.concurrency, deps.config.siteConcurrency);
  const outcomes = await mapLimit(sites, limit, async (site) => {
    const stop = halt ?? stopped(control.stopReason());
    if (stop) return siteOutcome(site, stop.status, stop.error);
    // Counted per site, so parallel sites never see each other's calls.
    let calls = 0;
    const r = await runSite(deps, options, ctx.forSite(() => calls++), options.runId, site, now);
    if (r.halt === "fatal" && !r.recorded) needsReauth ??= r.outcome.error;
    if (r.halt === "config") control.stop(r.outcome.error!);
    if (r.halt && !halt) {
      // The other sites' rows say why they wait, and that it came from this site.
      const why = r.halt === "pause"
        ? `the vendor paused this credential at site ${site.vendor_site_id}`
        : `site ${site.vendor_site_id} stopped this credential`;
      halt = {
        status: r.halt === "pause" ? "deferred" : "skipped",
        error: `Not fetched: ${why}: ${r.outcome.error}`,
      };
    }
    return { ...r.outcome, apiCalls: calls };
  });
  return result(outcomes, { needsReauth, listing });
}

/**
 * The sites a dry run works on without storing the vendor's list: the stored ones still listed,
 * and the new ones as they would be stored. A new site has no id until it is stored.
 */
function plannedSites(
  credential: CredentialRow,
  stored: SiteRow[],
  listed: VendorSite[],
  report: ((write: DryRunWrite) => void) | undefined,
): SiteRow[] {
  const byId = new Map(stored.map((s) => [s.vendor_site_id, s]));
  const added = listed.filter((s) => !byId.has(s.vendorSiteId));
  const ids = new Set(listed.map((s) => s.vendorSiteId));
  const gone = stored.filter((s) => !ids.has(s.vendor_site_id));
  const say = (what: string) => report?.({ kind: "row", what });
  if (added.length > 0) say(`add sites ${added.map((s) => s.vendorSiteId).join(", ")}`);
  if (gone.length > 0) say(`deactivate sites ${gone.map((s) => s.vendor_site_id).join(", ")}`);
  return listed.map((s) =>
    byId.get(s.vendorSiteId) ?? {
      id: "",
      organization_id: credential.organization_id,
      credential_id: credential.id,
      vendor_site_id: s.vendorSiteId,
      name: s.name ?? null,
      timezone: s.timezone ?? null,
      synced_through: null,
      consecutive_failures: 0,
    }
  );
}

function stopped(reason: string | undefined) {
  return reason ? { status: "skipped" as const, error: reason } : undefined;
}
