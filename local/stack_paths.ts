/**
 * Where the local stack keeps its state: everything under `.local/stack` (gitignored), so
 * `stack down --reset` is one `rm -rf`. Paths are absolute so child processes can run anywhere.
 *
 * One exception, as root: PostgreSQL refuses to run as root, so the server runs as the OS user
 * `postgres`, which may not be able to enter the checkout at all (a clone under /root, or in a
 * `mktemp -d` directory: mode 700). The cluster (data directory, socket directory, server log)
 * then lives in postgres's home, in a directory of its own per checkout, named after a hash of the
 * checkout's path: `/var/lib/postgresql/solar-stack-<hash>`. Not /tmp or /var/tmp: their cleaners
 * delete old files, and a cluster missing some of them is broken. `.local/stack/logs/postgres.log`
 * links to the server log, and `stack down --reset` deletes the directory too.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
const state = `${root}/.local/stack`;
const asRoot = Deno.uid() === 0;
const cluster = asRoot ? `${postgresHome()}/solar-stack-${checkoutHash(root)}` : state;

export const stackPaths = Object.freeze({
  root,
  state,
  /**
   * The directory the cluster's files live in: `.local/stack` itself, or as root the per-checkout
   * directory in postgres's home (owned by `postgres`, mode 700).
   */
  cluster,
  /** Whether `cluster` is a directory of its own outside the checkout (as root). */
  clusterOutside: asRoot,
  /** The PostgreSQL data directory (owned by the OS user `postgres` when we run as root). */
  pgData: `${cluster}/pg`,
  /** The PostgreSQL unix socket directory. */
  run: `${cluster}/run`,
  /** The server log; as root `.local/stack/logs/postgres.log` is a link to it. */
  pgLog: asRoot ? `${cluster}/postgres.log` : `${state}/logs/postgres.log`,
  logs: `${state}/logs`,
  /** Pids of the processes `stack up` started, so `down` stops exactly those. */
  stateFile: `${state}/state.json`,
  compat: `${root}/local/compat`,
  installSystem: `${root}/local/install_system.sh`,
  services: `${root}/local/services.ts`,
  supabase: `${root}/supabase`,
  functions: `${root}/supabase/functions`,
  configToml: `${root}/supabase/config.toml`,
  migrations: `${root}/supabase/migrations`,
});

/** The home directory of the OS user `postgres` (Debian: /var/lib/postgresql). */
function postgresHome(): string {
  try {
    const entry = Deno.readTextFileSync("/etc/passwd").split("\n")
      .map((line) => line.split(":"))
      .find((fields) => fields[0] === "postgres" && fields.length >= 7);
    if (entry && entry[5].startsWith("/") && entry[5] !== "/") return entry[5].replace(/\/+$/, "");
  } catch {
    // No readable passwd file: use Debian's default below.
  }
  return "/var/lib/postgresql";
}

/** 12 hex digits of the checkout path's SHA-256: short enough for a unix socket path. */
function checkoutHash(path: string): string {
  return createHash("sha256").update(path).digest("hex").slice(0, 12);
}
