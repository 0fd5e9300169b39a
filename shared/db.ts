/**
 * Postgres through postgres.js over DATABASE_URL or SUPABASE_DB_URL: PostgREST is not available
 * everywhere this runs, and later work (token refresh, queue claims) needs transactions and row
 * locks.
 *
 * Every query must stay safe behind Supavisor's transaction mode (port 6543), where each
 * transaction may run on a different server connection (supabase.md §5): no prepared statements,
 * no session `set`, no `listen`, no session advisory locks. Row locks and `set local` inside a
 * transaction are fine.
 */
import postgres from "postgres";

export type Sql = postgres.Sql;

export interface PoolOptions {
  /** Connections this process may open; many isolates each hold their own pool. */
  max?: number;
}

/** The client options, apart so a test can hold them to the rules above. */
export function clientOptions(options: PoolOptions = {}) {
  return {
    max: options.max ?? 4,
    // Supavisor's transaction mode cannot hold prepared statements (supabase.md §5).
    prepare: false,
    // An idle isolate gives its connections back instead of holding pooler slots.
    idle_timeout: 20,
    // Recycled now and then, so a long-lived worker does not pin one server connection.
    max_lifetime: 60 * 10,
    connect_timeout: 10,
    onnotice: () => {},
  } satisfies postgres.Options<Record<string, never>>;
}

export function connect(url: string, options: PoolOptions = {}): Sql {
  return postgres(url, clientOptions(options));
}
