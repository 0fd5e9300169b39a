/**
 * Every read and write the fetcher makes in Postgres (a dry run skips the writes itself: see
 * `RunOptions.dryRun`).
 */
import type { Sql } from "./db.ts";
import type { KnownSites, Source, VendorSite } from "./types.ts";

export interface CredentialRow {
  id: string;
  organization_id: string;
  source: string;
  label: string;
  secret: string;
  status: string;
  /** Plan limits of the customer's vendor account, e.g. `{ "perMinute": 10, "perMonth": 1000 }`. */
  plan?: Record<string, unknown>;
}

export interface SiteRow {
  id: string;
  organization_id: string;
  credential_id: string;
  vendor_site_id: string;
  name: string | null;
  timezone: string | null;
  synced_through: Date | null;
  consecutive_failures: number;
}

export interface RunCounts {
  sitesTotal: number;
  sitesSucceeded: number;
  sitesFailed: number;
  apiCalls: number;
  objectsWritten: number;
}

export interface SiteResult {
  runId: string;
  organizationId: string;
  credentialId: string | null;
  siteId: string | null;
  /** Only `failed` counts toward the site's consecutive failures (run_types.ts SiteStatus). */
  status: "succeeded" | "failed" | "skipped" | "deferred";
  windowFrom?: Date;
  windowTo?: Date;
  readings?: number;
  dropped?: number;
  intervalsExpected?: number;
  intervalsReceived?: number;
  apiCalls?: number;
  objectKeys?: string[];
  error?: string;
}

/** What a renewal under the credential's row lock decided; the store applies it and commits. */
export type LockedDecision<T> =
  | { kind: "keep"; result: T }
  | { kind: "store"; secret: string; expiresAt: Date | null; result: T }
  | { kind: "reauth"; reason: string; result: T };

export interface ConnectedCredential {
  organizationId: string;
  source: Source;
  label: string;
  /** Re-authorising an existing credential replaces its secret instead of adding one. */
  credentialId?: string;
  secret: string;
  expiresAt: Date | null;
  status: "active" | "pending";
  reason?: string | null;
}

export interface Store {
  /**
   * Spends one call of the credential's monthly budget; false when the month's `limit` is spent.
   * `periodStart` is the first day of the month (UTC), `YYYY-MM-01`.
   */
  spendBudget(credentialId: string, periodStart: string, limit: number): Promise<boolean>;
  /** One credential without its secret, or undefined. */
  credentialInfo(id: string): Promise<Omit<CredentialRow, "secret"> | undefined>;
  /** Stores a credential that a connect flow produced and returns it. */
  saveConnected(input: ConnectedCredential): Promise<CredentialRow>;
  /**
   * Runs `decide` inside a transaction holding the credential's row lock (`for update`), with the
   * row as it is now, then applies and commits its decision. Concurrent invocations queue here.
   */
  withCredentialLock<T>(
    id: string,
    decide: (row: CredentialRow) => Promise<LockedDecision<T>>,
  ): Promise<T>;
  credentials(source: Source, credentialId?: string): Promise<CredentialRow[]>;
  /** Ids of the credentials that list this site (a vendor site id or the site's uuid). */
  siteCredentials(source: Source, siteId: string): Promise<string[]>;
  markCredential(
    id: string,
    status: "active" | "needs_reauth",
    reason: string | null,
  ): Promise<void>;
  /** Upserts what the vendor listed and marks the credential's other sites inactive. */
  reconcileSites(credential: CredentialRow, sites: VendorSite[]): Promise<SiteRow[]>;
  activeSites(credentialId: string): Promise<SiteRow[]>;
  startRun(source: Source, trigger: string, options: unknown, dryRun: boolean): Promise<string>;
  finishRun(runId: string, counts: RunCounts, error?: string): Promise<void>;
  siteSynced(siteId: string, syncedThrough: Date, objectKey: string): Promise<void>;
  siteFailed(siteId: string, error: string): Promise<void>;
  /**
   * The vendor asked to leave the credential alone (a spent month's quota): the site says why,
   * and its consecutive failures stay as they were, since nothing about the site failed.
   */
  sitePaused(siteId: string, reason: string): Promise<void>;
  siteResult(result: SiteResult): Promise<void>;
}

/** What an adapter's site list is told about the sites already stored (`Adapter.fetchSitesList`). */
export function knownSites(sites: SiteRow[]): KnownSites {
  return new Map(sites.map((s) => [s.vendor_site_id, s.timezone]));
}

/**
 * A run failed when it stopped or no site of it succeeded while some failed; it is partial when
 * any site did not succeed (failed, skipped at the time limit, deferred by the vendor).
 */
export function runStatus(c: RunCounts, error?: string): "succeeded" | "partial" | "failed" {
  if (error || (c.sitesFailed > 0 && c.sitesSucceeded === 0)) return "failed";
  return c.sitesSucceeded < c.sitesTotal ? "partial" : "succeeded";
}

export function createStore(sql: Sql): Store {
  return {
    async credentials(source, credentialId) {
      return await sql<CredentialRow[]>`
        select id, organization_id, source, label, secret, status, plan
        from public.inverter_credentials
        where source = ${source}
          and ${credentialId ? sql`id = ${credentialId}` : sql`status = 'active'`}
        order by created_at, id`;
    },

    async spendBudget(credentialId, periodStart, limit) {
      const rows = await sql`
        insert into public.rate_limit_budgets (credential_id, period_start, calls, call_limit)
        values (${credentialId}, ${periodStart}, 1, ${limit})
        on conflict (credential_id, period_start) do update
        set calls = rate_limit_budgets.calls + 1, call_limit = excluded.call_limit,
            updated_at = now()
        where rate_limit_budgets.calls < excluded.call_limit
        returning calls`;
      return rows.length > 0;
    },

    async credentialInfo(id) {
      const [row] = await sql<Omit<CredentialRow, "secret">[]>`
        select id, organization_id, source, label, status, plan
        from public.inverter_credentials where id = ${id}`;
      return row;
    },

    async saveConnected(c) {
      const [row] = c.credentialId
        ? await sql<CredentialRow[]>`
          update public.inverter_credentials
          set secret = ${c.secret}, token_expires_at = ${c.expiresAt}, status = ${c.status},
              status_reason = ${c.reason ?? null}, updated_at = now()
          where id = ${c.credentialId} and organization_id = ${c.organizationId}
          returning id, organization_id, source, label, secret, status, plan`
        : await sql<CredentialRow[]>`
          insert into public.inverter_credentials
            (organization_id, source, label, secret, token_expires_at, status, status_reason)
          values (${c.organizationId}, ${c.source}, ${c.label}, ${c.secret}, ${c.expiresAt},
                  ${c.status}, ${c.reason ?? null})
          on conflict (organization_id, source, label) do update
          set secret = excluded.secret, token_expires_at = excluded.token_expires_at,
              status = excluded.status, status_reason = excluded.status_reason, updated_at = now()
          returning id, organization_id, source, label, secret, status, plan`;
      if (!row) throw new Error(`Cannot store the credential: ${c.credentialId} does not exist`);
      return row;
    },

    async withCredentialLock(id, decide) {
      return await sql.begin(async (tx) => {
        const [row] = await tx<CredentialRow[]>`
          select id, organization_id, source, label, secret, status, plan
          from public.inverter_credentials where id = ${id} for update`;
        if (!row) throw new Error(`Cannot lock credential ${id}: it does not exist`);
        const decision = await decide(row);
        if (decision.kind === "store") {
          await tx`
            update public.inverter_credentials
            set secret = ${decision.secret}, token_expires_at = ${decision.expiresAt},
                updated_at = now()
            where id = ${id}`;
        } else if (decision.kind === "reauth") {
          await tx`
            update public.inverter_credentials
            set status = 'needs_reauth', status_reason = ${decision.reason}, updated_at = now()
            where id = ${id}`;
        }
        return decision.result;
      }) as Awaited<ReturnType<typeof decide>>["result"];
    },

    async siteCredentials(source, siteId) {
      const rows = await sql<{ credential_id: string }[]>`
        select distinct credential_id from public.inverter_sites
        where source = ${source}
          and (vendor_site_id = ${siteId} or id::text = ${siteId})`;
      return rows.map((r) => r.credential_id);
    },

    async markCredential(id, status, reason) {
      await sql`
        update public.inverter_credentials
        set status = ${status}, status_reason = ${reason}, updated_at = now()
        where id = ${id}`;
    },

    async reconcileSites(credential, sites) {
      const ids = sites.map((s) => s.vendorSiteId);
      await sql.begin(async (tx) => {
        for (const s of sites) {
          await tx`
            insert into public.inverter_sites
              (organization_id, credential_id, source, vendor_site_id, name, timezone)
            values (${credential.organization_id}, ${credential.id}, ${credential.source},
                    ${s.vendorSiteId}, ${s.name ?? null}, ${s.timezone ?? null})
            on conflict (credential_id, vendor_site_id) do update
            set name = coalesce(excluded.name, inverter_sites.name),
                timezone = coalesce(excluded.timezone, inverter_sites.timezone),
                active = true,
                updated_at = now()`;
        }
        await tx`
          update public.inverter_sites set active = false, updated_at = now()
          where credential_id = ${credential.id} and active
            and not (vendor_site_id = any(${ids}::text[]))`;
      });
      return await this.activeSites(credential.id);
    },

    async activeSites(credentialId) {
      return await sql<SiteRow[]>`
        select id, organization_id, credential_id, vendor_site_id, name, timezone,
               synced_through, consecutive_failures
        from public.inverter_sites
        where credential_id = ${credentialId} and active
        order by vendor_site_id`;
    },

    async startRun(source, trigger, options, dryRun) {
      const [row] = await sql<{ id: string }[]>`
        insert into public.sync_runs (source, trigger, options, dry_run)
        values (${source}, ${trigger}, ${sql.json(options as never)}, ${dryRun})
        returning id`;
      return row.id;
    },

    async finishRun(runId, c, error) {
      const status = runStatus(c, error);
      await sql`
        update public.sync_runs
        set status = ${status}, finished_at = now(), sites_total = ${c.sitesTotal},
            sites_succeeded = ${c.sitesSucceeded}, sites_failed = ${c.sitesFailed},
            api_calls = ${c.apiCalls}, objects_written = ${c.objectsWritten},
            error = ${error ?? null}
        where id = ${runId}`;
    },

    async siteSynced(siteId, syncedThrough, objectKey) {
      // greatest(): a resync of an old range must not pull the watermark back.
      await sql`
        update public.inverter_sites
        set synced_through = greatest(synced_through, ${syncedThrough}),
            last_attempt_at = now(), last_success_at = now(), last_error = null,
            consecutive_failures = 0, last_object_key = ${objectKey}, updated_at = now()
        where id = ${siteId}`;
    },

    async siteFailed(siteId, error) {
      await sql`
        update public.inverter_sites
        set last_attempt_at = now(), last_error = ${error},
            consecutive_failures = consecutive_failures + 1, updated_at = now()
        where id = ${siteId}`;
    },

    async sitePaused(siteId, reason) {
      await sql`
        update public.inverter_sites
        set last_attempt_at = now(), last_error = ${reason}, updated_at = now()
        where id = ${siteId}`;
    },

    async siteResult(r) {
      await sql`
        insert into public.sync_run_sites
          (run_id, organization_id, credential_id, site_id, status, window_from, window_to,
           readings, dropped, intervals_expected, intervals_received, api_calls, object_keys, error)
        values (${r.runId}, ${r.organizationId}, ${r.credentialId}, ${r.siteId}, ${r.status},
                ${r.windowFrom ?? null}, ${r.windowTo ?? null}, ${r.readings ?? 0},
                ${r.dropped ?? 0}, ${r.intervalsExpected ?? 0}, ${r.intervalsReceived ?? 0},
                ${r.apiCalls ?? 0}, ${r.objectKeys ?? []}, ${r.error ?? null})`;
    },
  };
}
