/**
 * The project-owned PostgreSQL 15 cluster in `.local/stack/pg` (as root: in postgres's home, see
 * stack_paths.ts, because the server's user may not be able to enter the checkout): created on
 * first use, configured
 * like Supabase's database where the project depends on it (pg_cron preloaded in database
 * `postgres`, UTC), and listening on 127.0.0.1 only.
 *
 * Authentication: scram-sha-256 for every TCP connection (password `postgres`, as in
 * `supabase start`), trust on the unix socket, which lives in the state directory.
 */
import { existsSync } from "node:fs";
import { asPostgresUser, runCommand } from "./command.ts";
import { stackPorts } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";

const pgBin = Deno.env.get("PG_BINDIR") ?? "/usr/lib/postgresql/15/bin";
const logFile = stackPaths.pgLog;
// The server's user runs pg_ctl and initdb from a directory it can enter, not the caller's.
const asServer = (cmd: string[]) => ({ cmd: asPostgresUser(cmd), cwd: "/" });

/** Re-written before every start, so a change here reaches an existing cluster on its restart. */
function stackConf(): string {
  return [
    "# Written by local/postgres_cluster.ts on every start; edit that file, not this one.",
    "listen_addresses = '127.0.0.1'",
    `port = ${stackPorts.db}`,
    `unix_socket_directories = '${stackPaths.run}'`,
    "shared_preload_libraries = 'pg_cron'",
    // pg_cron lives in database postgres, as on Supabase; background workers run the jobs, so
    // pg_cron needs no libpq login (and so no password) to reach the database.
    "cron.database_name = 'postgres'",
    "cron.use_background_workers = on",
    "max_worker_processes = 40",
    "timezone = 'UTC'",
    "log_timezone = 'UTC'",
    // A development database: losing the last transactions in a crash is fine, slow tests are not.
    "synchronous_commit = off",
    "",
  ].join("\n");
}

// Where a root checkout kept its cluster before it moved to postgres's home (stack_paths.ts): a
// server still running there from before is stopped by `stack down` like the current one.
const legacyPgData = stackPaths.clusterOutside ? `${stackPaths.state}/pg` : undefined;

/** Whether the cluster's postmaster is running (`pg_ctl status`). */
export async function postgresRunning(pgData: string = stackPaths.pgData): Promise<boolean> {
  if (!existsSync(`${pgData}/PG_VERSION`)) return false;
  const status = asServer([`${pgBin}/pg_ctl`, "status", "-D", pgData]);
  const { code } = await runCommand(status.cmd, { cwd: status.cwd, check: false });
  return code === 0;
}

/** Whether something accepts PostgreSQL connections on the stack's port. */
export async function postgresAnswers(): Promise<boolean> {
  const args = ["-h", "127.0.0.1", "-p", String(stackPorts.db), "-t", "2", "-q"];
  const { code } = await runCommand([`${pgBin}/pg_isready`, ...args], { check: false });
  return code === 0;
}

/** Creates the cluster when absent and starts it when stopped; returns what it did. */
export async function startPostgres(): Promise<"initialised" | "started" | "running"> {
  if (await postgresRunning()) return "running";
  if (await postgresAnswers()) {
    const hint = legacyPgData && (await postgresRunning(legacyPgData))
      ? ` (the cluster in ${legacyPgData}, from before the cluster moved to ${stackPaths.cluster}:` +
        " run `deno task stack down` once)"
      : "";
    throw new Error(
      `Cannot start PostgreSQL: port ${stackPorts.db} is used by another server${hint}`,
    );
  }
  const fresh = !existsSync(`${stackPaths.pgData}/PG_VERSION`);
  await Deno.mkdir(stackPaths.logs, { recursive: true });
  if (stackPaths.clusterOutside) {
    await ownedDirectory(stackPaths.cluster, 0o700);
    // Which checkout this directory belongs to, for whoever finds it in postgres's home.
    await Deno.writeTextFile(`${stackPaths.cluster}/checkout`, `${stackPaths.root}\n`);
  }
  await ownedDirectory(stackPaths.run);
  await ownedFile(logFile);
  if (stackPaths.clusterOutside) await linkLog(`${stackPaths.logs}/postgres.log`, logFile);
  if (fresh) await initCluster();
  await Deno.writeTextFile(`${stackPaths.pgData}/stack.conf`, stackConf());
  await run(asServer([
    `${pgBin}/pg_ctl`,
    "start",
    "-D",
    stackPaths.pgData,
    "-l",
    logFile,
    "-w",
    "-t",
    "60",
    "-s",
  ]));
  return fresh ? "initialised" : "started";
}

/** Stops the cluster (fast mode: open sessions are rolled back); false when it was not running. */
export async function stopPostgres(): Promise<boolean> {
  let stopped = false;
  for (const pgData of [stackPaths.pgData, legacyPgData]) {
    if (pgData === undefined || !(await postgresRunning(pgData))) continue;
    await run(asServer([`${pgBin}/pg_ctl`, "stop", "-D", pgData, "-m", "fast", "-w", "-s"]));
    stopped = true;
  }
  return stopped;
}

async function initCluster(): Promise<void> {
  await ownedDirectory(stackPaths.pgData, 0o700);
  // initdb reads the superuser password from a file; the value is the public local default.
  // Beside the data directory, where the server's user can read it (TMPDIR may be private).
  const pwfile = `${stackPaths.cluster}/initdb-pwfile`;
  try {
    await Deno.writeTextFile(pwfile, "postgres\n");
    await Deno.chmod(pwfile, 0o644);
    await run(asServer([
      `${pgBin}/initdb`,
      "-D",
      stackPaths.pgData,
      "-U",
      "postgres",
      `--pwfile=${pwfile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
    ]));
  } finally {
    await Deno.remove(pwfile).catch(() => {});
  }
  await Deno.writeTextFile(
    `${stackPaths.pgData}/postgresql.conf`,
    "include_if_exists = 'stack.conf'\n",
    {
      append: true,
    },
  );
}

async function run(command: { cmd: string[]; cwd: string }): Promise<void> {
  await runCommand(command.cmd, { cwd: command.cwd });
}

/** `.local/stack/logs/postgres.log` points at the server log outside the checkout. */
async function linkLog(link: string, target: string): Promise<void> {
  const current = await Deno.readLink(link).catch(() => undefined);
  if (current === target) return;
  await Deno.remove(link).catch(() => {});
  await Deno.symlink(target, link);
}

/** As root, hands a directory to the OS user `postgres`, which the server runs as. */
async function ownedDirectory(path: string, mode = 0o755): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode });
  await Deno.chmod(path, mode);
  if (Deno.uid() === 0) await runCommand(["chown", "postgres:postgres", path]);
}

async function ownedFile(path: string): Promise<void> {
  await Deno.writeTextFile(path, "", { append: true });
  if (Deno.uid() === 0) await runCommand(["chown", "postgres:postgres", path]);
}
