/**
 * Lists a credential's sites at the vendor and records them (new ones added, vanished ones
 * inactive): what a connect flow or `credentials add --discover` does right after storing a
 * credential, so its sites show at once instead of after the next hourly run.
 */
import type { Config } from "./config.ts";
import { type Keys, openCredential } from "./credential_context.ts";
import type { Logger } from "./logger.ts";
import { type CredentialRow, knownSites, type SiteRow, type Store } from "./store.ts";
import type { Adapter } from "./types.ts";

export interface DiscoverDeps {
  config: Pick<Config, "baseUrls" | "vendors">;
  store: Store;
  keyring: Keys;
  logger: Logger;
  now?: () => Date;
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
  });
  const known = knownSites(await deps.store.activeSites(row.id));
  return await deps.store.reconcileSites(row, await adapter.fetchSitesList(ctx, known));
}
