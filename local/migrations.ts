/**
 * Applies supabase/migrations to the local database with the real Supabase CLI (`db push`), which
 * also upserts the [db.vault] secrets of supabase/config.toml first. The CLI takes a few seconds,
 * so a warm `stack up` asks the database first and skips it when nothing is new.
 */
import { runCommand } from "./command.ts";
import { type Sql, withStackDb } from "./stack_db.ts";
import { stackEnv } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";

/** Pinned so that every machine applies migrations with the same CLI. */
export const supabaseCli = ["npx", "--yes", "supabase@2.117.0"];

/** The values `db push` writes into Vault from `[db.vault]` (names as in config.toml). */
const vaultSecrets: Record<string, string> = {
  project_url: stackEnv.SUPABASE_URL,
  service_role_key: stackEnv.SUPABASE_SERVICE_KEY,
};

/** Versions of the migration files that the database has not recorded yet. */
export async function pendingMigrations(): Promise<string[]> {
  const local = [...Deno.readDirSync(stackPaths.migrations)]
    .map((e) => /^(\d+)_.*\.sql$/.exec(e.name)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort();
  const applied = new Set(await withStackDb(appliedVersions));
  return local.filter((v) => !applied.has(v));
}

/**
 * Writes the [db.vault] values when Vault lacks them or holds others. `db push` does the same
 * upsert, but only when it has migrations to apply, so a stack whose migrations are all applied
 * would otherwise keep stale values. Returns whether it changed anything.
 */
export async function syncVaultSecrets(): Promise<boolean> {
  return await withStackDb(async (sql) => {
    const names = Object.keys(vaultSecrets);
    const rows = await sql`
      select id, name, decrypted_secret from vault.decrypted_secrets where name in ${sql(names)}`;
    let changed = false;
    for (const [name, value] of Object.entries(vaultSecrets)) {
      const row = rows.find((r) => r.name === name);
      if (row?.decrypted_secret === value) continue;
      if (row) await sql`select vault.update_secret(${row.id}, ${value})`;
      else await sql`select vault.create_secret(${value}, ${name})`;
      changed = true;
    }
    return changed;
  });
}

/** Runs `supabase db push` against the local database; returns the CLI's output. */
export async function pushMigrations(): Promise<string> {
  const dbUrl = `${stackEnv.SUPABASE_DB_URL}?sslmode=disable`;
  const { stdout, stderr } = await runCommand(
    [...supabaseCli, "db", "push", "--db-url", dbUrl, "--include-all", "--yes"],
    {
      cwd: stackPaths.root,
      env: {
        PROJECT_URL: vaultSecrets.project_url,
        SERVICE_ROLE_KEY: vaultSecrets.service_role_key,
        // No telemetry, and no update check: it would also write supabase/.temp/cli-latest.
        SUPABASE_TELEMETRY_DISABLED: "1",
        DO_NOT_TRACK: "1",
        SUPABASE_NO_UPDATE_NOTIFIER: "1",
      },
    },
  );
  return `${stdout}${stderr}`.trim();
}

async function appliedVersions(sql: Sql): Promise<string[]> {
  const [table] = await sql`select to_regclass('supabase_migrations.schema_migrations') as t`;
  if (table.t === null) return [];
  const rows = await sql`select version from supabase_migrations.schema_migrations`;
  return rows.map((r) => String(r.version));
}
