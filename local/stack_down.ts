/**
 * `stack down`: stops services.ts, moto and Postgres (in that order, so the pg_net worker never
 * sees its database vanish first). Data stays unless `reset`, which deletes `.local/stack` and,
 * as root, the cluster's directory in postgres's home (stack_paths.ts).
 */
import { stopPostgres } from "./postgres_cluster.ts";
import { stopProcess } from "./processes.ts";
import { stackPaths } from "./stack_paths.ts";
import { readStackState, writeStackState } from "./stack_state.ts";

export interface StackDownOptions {
  /** Also delete the database cluster, logs and state. */
  reset?: boolean;
  log?: (line: string) => void;
}

export async function stackDown(options: StackDownOptions = {}): Promise<void> {
  const log = options.log ?? console.log;
  const state = readStackState();
  if (state.services && (await stopProcess(state.services))) log("  stopped services.ts");
  if (state.moto && (await stopProcess(state.moto))) log("  stopped moto_server");
  if (await stopPostgres()) log("  stopped Postgres");
  if (options.reset) {
    if (stackPaths.clusterOutside && (await removeTree(stackPaths.cluster))) {
      log(`  deleted ${stackPaths.cluster}`);
    }
    await removeTree(stackPaths.state);
    log("  deleted .local/stack");
  } else {
    writeStackState({});
  }
}

/** Deletes a directory tree; false when there was none. */
async function removeTree(path: string): Promise<boolean> {
  try {
    await Deno.remove(path, { recursive: true });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
