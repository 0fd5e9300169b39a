/** The inputs and outputs of a sync run (runner.ts) and of its per-site work (site_run.ts). */
import type { Config } from "./config.ts";
import type { Keys } from "./credential_context.ts";
import type { HttpOptions } from "./http.ts";
import type { Logger } from "./logger.ts";
import type { ObjectStore } from "./s3.ts";
import type { RunCounts, Store } from "./store.ts";
import type { Adapter, VendorConfig } from "./types.ts";

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
