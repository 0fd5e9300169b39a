/**
 * An in-memory `Store` for unit tests of the runner and the app, so they run without Postgres.
 * It follows the same rules as the SQL one: the watermark only moves forward, vanished sites turn
 * inactive.
 */
import type { CredentialRow, RunCounts, SiteResult, SiteRow, Store } from "../store.ts";
import { windowEnd } from "../quota_gate.ts";
import type { VendorSite } from "../types.ts";

export interface MemoryStore extends Store {
  creds: CredentialRow[];
  sites: Array<
    SiteRow & {
      active: boolean;
      last_error: string | null;
      last_object_key: string | null;
      cadence_hours?: number;
      cadence_note?: string | null;
    }
  >;
  runs: Map<string, { counts?: RunCounts; error?: string; finished: boolean }>;
  results: SiteResult[];
  credentialStatus: Map<string, { status: string; reason: string | null }>;
  tokenExpiry: Map<string, Date | null>;
  budgets: Map<string, number>;
}

export interface MemoryStoreOptions {
  /** The clock budget windows are counted on (the database's `now()` in the SQL store). */
  now?: () => Date;
  /** Organisations that exist besides those of the credentials. */
  organizations?: string[];
}

export function memoryStore(
  creds: CredentialRow[] = [],
  options: MemoryStoreOptions = {},
): MemoryStore {
  let seq = 0;
  const locks = new Map<string, Promise<void>>();
  const store: MemoryStore = {
    creds,
    sites: [],
    runs: new Map(),
    results: [],
    credentialStatus: new Map(),
    tokenExpiry: new Map(),
    budgets: new Map(),
    credentials: (source, id) =>
      Promise.resolve(
        store.creds.filter((c) =>
          c.source === source && (id ? c.id === id : c.status === "active")
        ),
      ),
    // The same all-or-none rule as private.reserve_quotas, on the test's clock.
    reserveQuotas(budgets, n) {
      const at = (options.now ?? (() => new Date()))().getTime();
      const keys = budgets.map((b) => `${b.scope}|${b.period}|${windowEnd(b.period, at)}`);
      const refused = budgets
        .filter((b, i) => (store.budgets.get(keys[i]) ?? 0) + n > b.limit)
        .map((b) => windowEnd(b.period, at));
      if (refused.length > 0) return Promise.resolve(new Date(Math.max(...refused)));
      keys.forEach((k) => store.budgets.set(k, (store.budgets.get(k) ?? 0) + n));
      return Promise.resolve(null);
    },
    minuteUse(scope) {
      const at = (options.now ?? (() => new Date()))().getTime();
      const used = (t: number) =>
        store.budgets.get(`${scope}|minute|${windowEnd("minute", t)}`) ?? 0;
      return Promise.resolve({ previous: used(at - 60_000), current: used(at) });
    },
    observeQuota(b, remaining) {
      const at = (options.now ?? (() => new Date()))().getTime();
      const key = `${b.scope}|${b.period}|${windowEnd(b.period, at)}`;
      store.budgets.set(key, Math.max(store.budgets.get(key) ?? 0, b.limit - remaining));
      return Promise.resolve();
    },
    organizationExists(id) {
      return Promise.resolve(
        (options.organizations ?? []).includes(id) ||
          store.creds.some((c) => c.organization_id === id),
      );
    },
    credentialInfo(id) {
      const c = store.creds.find((c) => c.id === id);
      return Promise.resolve(c && { ...c, secret: undefined });
    },
    saveConnected(c) {
      let row = store.creds.find((r) => r.id === c.credentialId) ??
        store.creds.find((r) =>
          r.organization_id === c.organizationId && r.source === c.source && r.label === c.label
        );
      if (!row) {
        row = {
          id: crypto.randomUUID(),
          organization_id: c.organizationId,
          source: c.source,
          label: c.label,
          secret: "",
          status: c.status,
        };
        store.creds.push(row);
      }
      row.secret = c.secret;
      row.status = c.status;
      store.tokenExpiry.set(row.id, c.expiresAt);
      return Promise.resolve({ ...row });
    },
    async withCredentialLock(id, decide) {
      const previous = locks.get(id) ?? Promise.resolve();
      let release = () => {};
      locks.set(id, new Promise<void>((r) => (release = r)));
      await previous;
      try {
        const row = store.creds.find((c) => c.id === id);
        if (!row) throw new Error(`Cannot lock credential ${id}: it does not exist`);
        const decision = await decide({ ...row });
        if (decision.kind === "store") {
          row.secret = decision.secret;
          store.tokenExpiry.set(id, decision.expiresAt);
        } else if (decision.kind === "reauth") {
          row.status = "needs_reauth";
          store.credentialStatus.set(id, { status: "needs_reauth", reason: decision.reason });
        }
        return decision.result;
      } finally {
        release();
      }
    },
    siteCredentials: (_source, siteId) =>
      Promise.resolve([
        ...new Set(
          store.sites.filter((s) => s.vendor_site_id === siteId || s.id === siteId).map((s) =>
            s.credential_id
          ),
        ),
      ]),
    markCredential(id, status, reason) {
      store.credentialStatus.set(id, { status, reason });
      const c = store.creds.find((c) => c.id === id);
      if (c) c.status = status;
      return Promise.resolve();
    },
    reconcileSites(credential, listed: VendorSite[]) {
      for (const v of listed) {
        const found = store.sites.find((s) =>
          s.credential_id === credential.id && s.vendor_site_id === v.vendorSiteId
        );
        if (found) found.active = true;
        else {
          store.sites.push({
            id: `site-${++seq}`,
            organization_id: credential.organization_id,
            credential_id: credential.id,
            vendor_site_id: v.vendorSiteId,
            name: v.name ?? null,
            timezone: v.timezone ?? null,
            synced_through: null,
            consecutive_failures: 0,
            active: true,
            last_error: null,
            last_object_key: null,
          });
        }
      }
      const ids = new Set(listed.map((v) => v.vendorSiteId));
      for (const s of store.sites) {
        if (s.credential_id === credential.id && !ids.has(s.vendor_site_id)) s.active = false;
      }
      return store.activeSites(credential.id);
    },
    activeSites: (id) =>
      Promise.resolve(
        store.sites.filter((s) => s.credential_id === id && s.active).map((s) => ({ ...s })),
      ),
    startRun() {
      const id = `run-${++seq}`;
      store.runs.set(id, { finished: false });
      return Promise.resolve(id);
    },
    finishRun(id, counts, error) {
      store.runs.set(id, { counts, error, finished: true });
      return Promise.resolve();
    },
    cadenceScopes(source) {
      return Promise.resolve(
        store.creds.filter((c) => c.source === source && c.status === "active").map((c) => ({
          id: c.id,
          label: c.label,
          plan: c.plan,
          sites: store.sites.filter((s) => s.credential_id === c.id && s.active).length,
        })),
      );
    },
    setCadence(ids, hours, note) {
      for (const s of store.sites) {
        if (ids.includes(s.credential_id) && s.active) {
          s.cadence_hours = hours;
          s.cadence_note = note;
        }
      }
      return Promise.resolve();
    },
    recordSites(results) {
      for (const r of results) {
        store.results.push(r);
        const s = store.sites.find((s) => s.id === r.siteId);
        if (!s) continue;
        const landed = r.syncedThrough !== undefined;
        if (landed && (!s.synced_through || r.syncedThrough! > s.synced_through)) {
          s.synced_through = r.syncedThrough!;
        }
        if (r.objectKeys?.length) s.last_object_key = r.objectKeys.at(-1)!;
        if (r.status === "succeeded" || landed) {
          s.last_error = null;
          s.consecutive_failures = 0;
        }
        if (r.status === "failed" || r.status === "deferred") {
          s.last_error = r.error ?? (r.status === "failed" ? "Failed" : "Deferred");
        }
        if (r.status === "failed") s.consecutive_failures++;
      }
      return Promise.resolve();
    },
  };
  return store;
}
