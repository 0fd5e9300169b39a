/**
 * Loads the compat layer (local/compat) that makes a plain PostgreSQL look like a Supabase
 * database to the migrations: the SQL-only pg_net and Vault extensions go into PostgreSQL's
 * extension directory (root needed), then the numbered SQL files run in order. Only the local
 * stack does this; nothing here ever reaches a Supabase project.
 */
import { existsSync } from "node:fs";
import { runCommand } from "./command.ts";
import { withStackDb } from "./stack_db.ts";
import { stackPaths } from "./stack_paths.ts";

const pgBin = Deno.env.get("PG_BINDIR") ?? "/usr/lib/postgresql/15/bin";
const extensionSource = `${stackPaths.compat}/extension`;
const fingerprintFile = `${stackPaths.state}/compat.sha256`;

/** Copies the compat extensions into `$(pg_config --sharedir)/extension` when they differ. */
export async function installCompatExtensions(): Promise<void> {
  const sharedir = (await runCommand([`${pgBin}/pg_config`, "--sharedir"])).stdout.trim();
  const target = `${sharedir}/extension`;
  const stale: string[] = [];
  for (
    const entry of [...Deno.readDirSync(extensionSource)].sort((a, b) =>
      a.name.localeCompare(b.name)
    )
  ) {
    const wanted = await Deno.readTextFile(`${extensionSource}/${entry.name}`);
    const path = `${target}/${entry.name}`;
    const current = existsSync(path) ? await Deno.readTextFile(path) : undefined;
    if (current === wanted) continue;
    // Never replace a real build of the extension (one with a C module) by the compat copy.
    if (
      current !== undefined && entry.name.endsWith(".control") && !current.includes("local compat")
    ) {
      throw new Error(
        `Cannot install the compat ${entry.name}: ${path} belongs to a real build of it`,
      );
    }
    stale.push(entry.name);
  }
  if (stale.length === 0) return;
  const files = stale.map((name) => `${extensionSource}/${name}`);
  if (Deno.uid() !== 0) {
    throw new Error(
      `Cannot install the compat extensions into ${target}: root is needed. Run:\n` +
        `  sudo install -m 644 ${files.join(" ")} ${target}/`,
    );
  }
  await runCommand(["install", "-m", "644", ...files, `${target}/`]);
}

/** Runs local/compat/*.sql unless the same files were already loaded into this cluster. */
export async function loadCompatSql(options: { force: boolean }): Promise<boolean> {
  const files = [...Deno.readDirSync(stackPaths.compat)]
    .filter((e) => e.isFile && e.name.endsWith(".sql"))
    .map((e) => e.name)
    .sort();
  const texts = await Promise.all(files.map((f) => Deno.readTextFile(`${stackPaths.compat}/${f}`)));
  const extensionTexts = [...Deno.readDirSync(extensionSource)].map((e) => e.name).sort()
    .map((name) => Deno.readTextFileSync(`${extensionSource}/${name}`));
  const fingerprint = await sha256([...texts, ...extensionTexts].join("\0"));
  const loaded = existsSync(fingerprintFile) ? await Deno.readTextFile(fingerprintFile) : "";
  if (!options.force && loaded === fingerprint) return false;
  await withStackDb(async (sql) => {
    for (const [i, text] of texts.entries()) {
      try {
        await sql.unsafe(text).simple();
      } catch (error) {
        throw new Error(`Cannot load local/compat/${files[i]}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  });
  await Deno.writeTextFile(fingerprintFile, fingerprint);
  return true;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
