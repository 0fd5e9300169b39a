/**
 * The environment the dashboard-facing CLIs (status, resync) work in: the caller's variables,
 * and for what it leaves unset the local stack's (local/stack_env.ts), so both work against the
 * local stack with no setup and against a hosted project with its variables set.
 */
import { stackEnv } from "../local/stack_env.ts";

export function withStackDefaults(env: Record<string, string | undefined>): Record<string, string> {
  const set = Object.entries(env).filter((e): e is [string, string] => !!e[1]);
  return { ...stackEnv, ...Object.fromEntries(set) };
}

/** DATABASE_URL when set (the transaction pooler), else SUPABASE_DB_URL, as the functions read. */
export function databaseUrl(env: Record<string, string>): string {
  return env.DATABASE_URL || env.SUPABASE_DB_URL;
}
