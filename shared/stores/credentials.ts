/** inverter_credentials: the credentials a run uses, their status, and renewals under the row lock. */
import type { Sql } from "../db.ts";
import type { Source } from "../types.ts";

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

export interface CredentialStore {
  credentials(source: Source, credentialId?: string): Promise<CredentialRow[]>;
  /** One credential without its secret, or undefined. */
  credentialInfo(id: string): Promise<Omit<CredentialRow, "secret"> | undefined>;
  /** Whether the organisation exists: checked before anyone is sent to a vendor for it. */
  organizationExists(id: string): Promise<boolean>;
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
  markCredential(
    id: string,
    status: "active" | "needs_reauth",
    reason: string | null,
  ): Promise<void>;
}

/**
 * `locks` runs the row-lock transactions: a transaction holds its connection until it commits,
 * and a token renewal inside one still reserves its call through `sql`, which must then not wait
 * behind it (a one-connection pool would). Connected only when a lock is first taken.
 */
export function createCredentialStore(sql: Sql, locks: Sql = sql): CredentialStore {
  return {
    async credentials(source, credentialId) {
      return await sql<CredentialRow[]>`
        select id, organization_id, source, label, secret, status, plan
        from public.inverter_credentials
        where source = ${source}
          and ${credentialId ? sql`id = ${credentialId}` : sql`status = 'active'`}
        order by created_at, id`;
    },

    async organizationExists(id) {
      const rows = await sql`select 1 from public.organizations where id = ${id}::uuid`;
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
      return await locks.begin(async (tx) => {
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

    async markCredential(id, status, reason) {
      await sql`
        update public.inverter_credentials
        set status = ${status}, status_reason = ${reason}, updated_at = now()
        where id = ${id}`;
    },
  };
}
