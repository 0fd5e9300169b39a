/**
 * The queue's calls from a function (supabase/migrations/*_create_job_leases.sql): claim due jobs
 * under a lease, renew it, close finished sites, end a job and give back the rest. One statement
 * each, so every call is safe behind the transaction pooler.
 */
import type { Sql } from "./db.ts";
import type { Source, Window } from "./types.ts";
import { RequestError } from "./errors.ts";

export interface ClaimedJob {
  jobId: string;
  credentialId: string;
  organizationId: string;
  kind: "scheduled" | "backfill" | "resync" | "discover";
  windowFrom: Date | null;
  windowTo: Date | null;
  attempts: number;
  /** The job's sites still to do (uuids), oldest watermark first. */
  siteIds: string[];
}

/** How a held job ends (`private.finish_job`). */
export type JobEnd =
  | { outcome: "succeeded" }
  | { outcome: "failed"; error: string; retryAfter?: Date }
  | { outcome: "deferred"; retryAfter: Date; error?: string }
  /** No retry can help (the credential is no longer active): dead at once, with its error. */
  | { outcome: "dead"; error: string };

export interface JobStore {
  claim(source: Source, owner: string, max: number, leaseSeconds: number): Promise<ClaimedJob[]>;
  /**
   * Extends every lease the owner holds, and beats for its run (the dispatcher counts a run whose
   * worker stopped beating as gone); the number of leases still held.
   */
  renewLeases(owner: string, leaseSeconds: number, runId: string): Promise<number>;
  /** Closes sites of a held job, so a retry or a takeover repeats only the rest. */
  finishSites(jobId: string, owner: string, siteIds: string[]): Promise<number>;
  /** The job's new status, or null when the owner lost it (its lease expired). */
  finish(jobId: string, owner: string, end: JobEnd): Promise<string | null>;
  /** Gives back every job the owner still holds; the number released. */
  release(owner: string): Promise<number>;
  /** Queues the due sites of one credential (after its discovery found new ones), or a vendor's. */
  enqueueDue(source: Source, credentialId?: string): Promise<number>;
  /**
   * Queues a resync of one site as one job per window, above the hourly work; a window asked
   * again while its job waits or runs returns that job (private.enqueue_site_windows).
   */
  enqueueResync(siteId: string, windows: readonly Window[]): Promise<string[]>;
  /** Asks for the invocations the vendor's due work needs now (the per-minute dispatch). */
  dispatch(source: Source): Promise<number>;
}

export function createJobStore(sql: Sql): JobStore {
  return {
    async claim(source, owner, max, leaseSeconds) {
      const rows = await sql<{
        job_id: string;
        credential_id: string;
        organization_id: string;
        kind: ClaimedJob["kind"];
        window_from: Date | null;
        window_to: Date | null;
        attempts: number;
        site_ids: string[];
      }[]>`
        select job_id, credential_id, organization_id, kind, window_from, window_to, attempts,
               site_ids
        from private.claim_jobs(${source}, ${owner}, ${max}::int, ${leaseSeconds}::int)`;
      return rows.map((r) => ({
        jobId: r.job_id,
        credentialId: r.credential_id,
        organizationId: r.organization_id,
        kind: r.kind,
        windowFrom: r.window_from,
        windowTo: r.window_to,
        attempts: r.attempts,
        siteIds: r.site_ids,
      }));
    },

    async renewLeases(owner, leaseSeconds, runId) {
      const [row] = await sql<{ n: number }[]>`
        select private.renew_leases(${owner}, ${leaseSeconds}::int) as n,
          private.touch_run(${runId}::uuid) as alive`;
      return row.n;
    },

    async finishSites(jobId, owner, siteIds) {
      if (siteIds.length === 0) return 0;
      const [row] = await sql<{ n: number }[]>`
        select private.finish_job_sites(${jobId}::uuid, ${owner}, ${siteIds}::uuid[]) as n`;
      return row.n;
    },

    async finish(jobId, owner, end) {
      const error = end.outcome === "succeeded" ? null : end.error ?? null;
      const retryAfter = end.outcome === "succeeded" || end.outcome === "dead"
        ? null
        : end.retryAfter ?? null;
      const [row] = await sql<{ status: string | null }[]>`
        select private.finish_job(${jobId}::uuid, ${owner}, ${end.outcome}, ${error},
                                  ${retryAfter}::timestamptz) as status`;
      return row.status;
    },

    async release(owner) {
      const [row] = await sql<{ n: number }[]>`select private.release_jobs(${owner}) as n`;
      return row.n;
    },

    async enqueueResync(siteId, windows) {
      try {
        const [row] = await sql<{ ids: string[] }[]>`
          select private.enqueue_site_windows(${siteId}::uuid, 'resync',
            ${windows.map((w) => w.from.toISOString())}::timestamptz[],
            ${windows.map((w) => w.to.toISOString())}::timestamptz[]) as ids`;
        return row.ids;
      } catch (error) {
        // The function's refusals name the problem (the site deleted since the request found it,
        // a window that ends before it starts): the caller's to fix, never a 500.
        const message = (error as Error).message;
        if (message.startsWith("Cannot queue")) throw new RequestError(409, message);
        throw error;
      }
    },

    async dispatch(source) {
      const [row] = await sql<{ n: number }[]>`select private.dispatch(${source}) as n`;
      return row.n;
    },

    async enqueueDue(source, credentialId) {
      const [row] = await sql<{ n: number }[]>`
        select private.enqueue_due_jobs(${source}, 50, ${credentialId ?? null}::uuid) as n`;
      return row.n;
    },
  };
}
