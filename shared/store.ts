/**
 * Every read and write the fetcher makes in Postgres, one module per concern under `stores/`:
 * credentials, sites, runs and budgets (the queue's jobs will be one more). `Store` is all of them
 * for the parts that need several; a part that needs one concern takes only its interface. A dry
 * run skips the writes itself (`RunOptions.dryRun`).
 */
import type { Sql } from "./db.ts";
import { type BudgetStore, createBudgetStore } from "./stores/budgets.ts";
import { createCredentialStore, type CredentialStore } from "./stores/credentials.ts";
import { createRunStore, type RunStore } from "./stores/runs.ts";
import { createSiteStore, type SiteStore } from "./stores/sites.ts";

export type { BudgetStore } from "./stores/budgets.ts";
export type {
  ConnectedCredential,
  CredentialRow,
  CredentialStore,
  LockedDecision,
} from "./stores/credentials.ts";
export { runStatus } from "./stores/runs.ts";
export type { RunCounts, RunStore, SiteResult } from "./stores/runs.ts";
export { knownSites } from "./stores/sites.ts";
export type { SiteRow, SiteStore } from "./stores/sites.ts";

export type Store = CredentialStore & SiteStore & RunStore & BudgetStore;

/** `locks`: the connections of the row-lock transactions (createCredentialStore). */
export function createStore(sql: Sql, locks: Sql = sql): Store {
  return {
    ...createCredentialStore(sql, locks),
    ...createSiteStore(sql),
    ...createRunStore(sql),
    ...createBudgetStore(sql),
  };
}
