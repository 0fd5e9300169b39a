/**
 * Lists a credential's sites at the vendor and records them (new ones added, vanished ones
 * inactive): what a connect flow or `credentials add --discover` does right after storing a
 * credential, so its sites show at once instead of after the next hourly run.
 */
import type { Config } from "./config.ts";
import { type Keys, openCredential } from "./credential_context.ts";
import type { HttpOptions } from "./http.ts";
import type { Logger } from "./logger.ts";
import { type CredentialRow, knownSites, type SiteRow, type Store } from "./store.ts";
import { storableSites } from "./storable_sites.ts";
import type { Adapter } from "./types.ts";

export interface DiscoverDeps {
  config: Pick<Config, "baseUrls" | "vendors">;
  store: Store;
  keyring: Keys;
  logger: Logger;
  now?: () => Date;
  /** How vendor calls are made (tests inject the simulator and the clock). */
  http?: HttpOptions;
}

export async function discoverSites<S>(
  adapter: Adapter<S>,
  row: CredentialRow,
  deps: DiscoverDeps,
): Promise<SiteRow[]> {
  const source = adapter.spec.source;
  const ctx = await openCredential(adapter, row, {
    baseUrl: deps.config.baseUrls[source] ?? adapter.spec.baseUrl,
    vendorConfig: deps.config.vendors[source],
    keyring: deps.keyring,
    store: deps.store,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    countCall: () => {},
    http: deps.http,
  });
  const known = knownSites(await deps.store.activeSites(row.id));
  const storable = storableSites(await adapter.fetchSitesList(ctx, known));
  if (storable.problem) {
    deps.logger.warn("Refused sites from the vendor's list", { error: storable.problem });
  }
  return await deps.store.reconcileSites(row, storable.sites);
}
