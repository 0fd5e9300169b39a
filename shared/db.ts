/**
 * Postgres through postgres.js over SUPABASE_DB_URL: PostgREST is not available everywhere this
 * runs, and later work (token refresh, queue claims) needs transactions and row locks.
 */
import postgres from "postgres";

export type Sql = postgres.Sql;

export function connect(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 4,
    // Supavisor's transaction mode cannot hold prepared statements (supabase.md §5).
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
  });
}
