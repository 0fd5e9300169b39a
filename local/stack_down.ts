/**
 * `stack down`: stops services.ts, moto and Postgres (in that order, so the pg_net worker never
 * sees its database vanish first). Data stays unless `reset`, which deletes `.local/stack`.
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
    await Deno.remove(stackPaths.state, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    log("  deleted .local/stack");
  } else {
    writeStackState({});
  }
}
