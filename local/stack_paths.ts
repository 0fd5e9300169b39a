/**
 * Where the local stack keeps its state: everything under `.local/stack` (gitignored), so
 * `stack down --reset` is one `rm -rf`. Paths are absolute so child processes can run anywhere.
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
const state = `${root}/.local/stack`;

export const stackPaths = Object.freeze({
  root,
  state,
  /** The PostgreSQL data directory (owned by the OS user `postgres` when we run as root). */
  pgData: `${state}/pg`,
  /** The PostgreSQL unix socket directory. */
  run: `${state}/run`,
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
