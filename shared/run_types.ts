/** The inputs and outputs of a sync run (runner.ts) and of its per-site work (site_run.ts). */
import type { Config } from "./config.ts";
import type { Keys } from "./credential_context.ts";
import type { HttpOptions } from "./http.ts";
import type { Logger } from "./logger.ts";
import type { ObjectStore } from "./s3.ts";
import type { RunCounts, Store } from "./store.ts";
import type { Adapter, VendorConfig, Window } from "./types.ts";

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
  /**
   * With `RunOptions.dryRun`: told each write the run would make and did not (objects,
   * watermarks, sites, statuses). Token renewals and budget spends still happen: the vendor calls
   * they follow are real.
   */
  dryRunReport?: (write: DryRunWrite) => void;
}

/** A write a dry run skipped: an S3 object, or a change in Postgres described in words. */
export type DryRunWrite =
  | { kind: "object"; key: string; readings: number; bytes: number }
  | { kind: "row"; what: string };

export interface RunOptions {
  trigger: "cron" | "manual" | "cli";
  /** Call the vendor but write nothing: no run row, object, watermark, site or status. */
  dryRun?: boolean;
  /** Fetch exactly this many hours back from now instead of from each watermark. */
  lookbackHours?: number;
  /** A vendor site id or the site's uuid. */
  siteId?: string;
  credentialId?: string;
  /** Only these sites (uuids): the open sites of a queue job. */
  siteIds?: readonly string[];
  /**
   * List the credential's sites at the vendor and record them before syncing (default true). A
   * queue's site job works from the stored sites: its discovery job lists them once a day.
   */
  listSites?: boolean;
  /** Fetch exactly this range instead of from each watermark: a backfill or resync job. */
  window?: Window;
  runId?: string;
  /** Stop starting sites after this instant (Edge wall-clock limits); the rest waits. */
  deadline?: Date;
}

/**
 * What happened to one site in a run. Only `failed` counts toward the site's consecutive failures:
 * `deferred` means the vendor asked for a pause (a spent quota) and `skipped` means the run did not
 * get to the site (its time limit, or the credential stopped on another site's fatal error).
 */
export type SiteStatus = "succeeded" | "failed" | "skipped" | "deferred";

export interface SiteOutcome {
  siteId: string;
  vendorSiteId: string;
  organizationId: string;
  credentialId: string;
  status: SiteStatus;
  objectKeys: string[];
  /**
   * The end of the last window whose object landed: the watermark moves there (never back), also
   * when a later window failed. Unset when no window landed.
   */
  syncedThrough?: Date;
  readings: number;
  /** The vendor calls made for this site alone, retries included. */
  apiCalls: number;
  error?: string;
  /** With `deferred`: how long the vendor asked to be left alone (its Retry-After, a spent month). */
  retryAfterMs?: number;
  windows?: Window[];
  totals?: WindowTotals;
  /** Each landed window's daylight completeness, keyed by the window's aligned end. */
  coverage?: WindowCoverage[];
}

export interface WindowCoverage {
  from: Date;
  /** How far the window is covered now. */
  to: Date;
  end: Date;
  daylightExpected: number;
  daylightReceived: number;
}

export interface WindowTotals {
  readings: number;
  dropped: number;
  intervalsExpected: number;
  intervalsReceived: number;
}

/** What the executor of one credential returns; the run's writer records it. */
export interface CredentialOutcome {
  credentialId: string;
  sites: SiteOutcome[];
  /** Calls made for the credential itself: its site list and token renewals. */
  apiCalls: number;
  /** Why the credential could not be used at all (decryption, discovery). */
  error?: string;
  /**
   * Why listing the sites did not work when the known sites were worked anyway (discovery is best
   * effort for a sync): it failed, the vendor asked for a pause, or the run's time ran out.
   */
  listing?: { status: "failed" | "deferred" | "skipped"; error: string; retryAfterMs?: number };
  /** Set when the vendor refused the credential: it is marked `needs_reauth` with this reason. */
  needsReauth?: string;
}

export interface RunSummary {
  runId: string;
  counts: RunCounts;
  sites: SiteOutcome[];
  credentialErrors: Array<{ credentialId: string; error: string }>;
  /** Set when the vendor rejected the application itself; no further credential is tried. */
  stopReason?: string;
}
