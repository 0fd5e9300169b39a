/**
 * A short-lived connection to the local database for the stack's own housekeeping (compat SQL,
 * the migration check, status). Notices are dropped: `create ... if not exists` is chatty.
 */
import postgres from "postgres";
import { stackEnv } from "./stack_env.ts";

export type Sql = ReturnType<typeof postgres>;

/** Runs `work` with a one-connection client and always closes it. */
export async function withStackDb<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(stackEnv.SUPABASE_DB_URL, {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "local stack" },
  });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
