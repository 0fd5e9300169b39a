/**
 * `stack up`: brings every part of the local stack to "running", doing only what is missing, so a
 * second call is quick and a call after new migrations only pushes them. Order matters: compat
 * SQL before the migrations, the database before the pg_net worker.
 */
import { runCommand } from "./command.ts";
import { installCompatExtensions, loadCompatSql } from "./compat.ts";
import { pendingMigrations, pushMigrations, syncVaultSecrets } from "./migrations.ts";
import { ensureBucket, motoMarker, startMoto } from "./moto.ts";
import { startPostgres } from "./postgres_cluster.ts";
import {
  type DetachedProcess,
  isAlive,
  isRunning,
  logTail,
  spawnDetached,
  stopProcess,
  waitFor,
} from "./processes.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";
import { stackProbes } from "./stack_probes.ts";
import { readStackState, writeStackState } from "./stack_state.ts";
import { stackStatus } from "./stack_status.ts";
import { SOURCES } from "../shared/vendors.ts";

export interface StackUpOptions {
  /** Restart services.ts even when it runs (reloads function code and config.toml). */
  restartServices?: boolean;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

const servicesMarker = "local/services.ts";
const readyTimeoutMs = 90_000;

/** Starts what is not running; `alreadyUp` tells whether everything was up before the call. */
export async function stackUp(options: StackUpOptions = {}): Promise<{ alreadyUp: boolean }> {
  const alreadyUp = (await stackStatus()).up;
  const step = stepLogger(options.log ?? console.log);

  await step(
    "system packages",
    () => runCommand(["bash", stackPaths.installSystem]).then(noResult),
  );
  await Deno.mkdir(stackPaths.logs, { recursive: true });
  await step("compat extensions", installCompatExtensions);
  const pg = await step("Postgres", startPostgres);
  const force = pg === "initialised";
  await step("compat SQL", async () => (await loadCompatSql({ force })) ? "loaded" : undefined);
  const pending = await pendingMigrations();
  if (pending.length > 0) {
    await step(`db push (${pending.length} new migration(s))`, async () => {
      const applied = (await pushMigrations()).split("\n").filter((l) => l.startsWith("Applying"));
      return alreadyUp ? applied.join("; ") : "done";
    });
  }
  await step("Vault secrets", async () => (await syncVaultSecrets()) ? "updated" : undefined);

  const state = readStackState();
  if (!state.moto || !isRunning(state.moto)) {
    ensurePortFree(stackPorts.s3, "S3 (moto)");
    state.moto = { pid: await step("moto_server", startMoto), marker: motoMarker };
    writeStackState(state);
    const answers = () =>
      fetch(stackEnv.S3_ENDPOINT).then((r) => r.body?.cancel()).then(() => true);
    await ready("S3 (moto)", answers, state.moto);
  }
  if (!(await stackProbes.s3.check()).up) await step("bucket", ensureBucket);

  if (options.restartServices && state.services) await stopProcess(state.services);
  if (!state.services || !isRunning(state.services)) {
    ensurePortFree(stackPorts.api, "the functions gateway");
    ensurePortFree(stackPorts.s3Faults, "the S3 fault proxy");
    for (const vendor of SOURCES) {
      ensurePortFree(stackPorts[vendor], `the ${vendor} simulator`);
    }
    state.services = { pid: await step("services.ts", startServices), marker: servicesMarker };
    writeStackState(state);
  }
  for (const [part, probe] of Object.entries(stackProbes)) {
    const proc = part === "db" ? undefined : part === "s3" ? state.moto : state.services;
    await ready(probe.name, async () => (await probe.check()).up, proc);
  }
  return { alreadyUp };
}

/** Runs one step and logs it when it did something or took long enough to notice. */
function stepLogger(log: (line: string) => void) {
  return async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
    if (ms > 150 || result) {
      log(`  ${what}${typeof result === "string" ? `: ${result}` : ""} (${took})`);
    }
    return result;
  };
}

async function startServices(): Promise<number> {
  // Only what Deno needs to find its cache and npm, and the Edge limits (EDGE_WALL_CLOCK_S, …);
  // everything the functions see is stackEnv.
  const passThrough =
    /^(PATH|HOME|TMPDIR|LANG|LC_\w+|NO_COLOR|DENO_\w+|NPM_CONFIG_\w+|npm_config_\w+|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|SSL_CERT_\w+|LOCAL_STACK_PORT_OFFSET|LOCAL_STACK_ENCRYPTION_KEY|EDGE_\w+)$/;
  const inherited = Object.entries(Deno.env.toObject()).filter(([k]) => passThrough.test(k));
  return await spawnDetached(
    [Deno.execPath(), "run", "-A", "--config", `${stackPaths.root}/deno.json`, stackPaths.services],
    {
      logFile: `${stackPaths.logs}/services.log`,
      env: { ...Object.fromEntries(inherited), ...stackEnv },
      cwd: stackPaths.root,
    },
  );
}

/** Waits for one part; fails naming it, with the tail of its log, on timeout or exit. */
async function ready(name: string, check: () => Promise<boolean>, proc?: DetachedProcess) {
  const outcome = await waitFor(check, readyTimeoutMs, () => !proc || isAlive(proc.pid));
  if (outcome === "ready") return;
  const log = name === "Postgres"
    ? "postgres.log"
    : proc?.marker === motoMarker
    ? "moto.log"
    : "services.log";
  const why = outcome === "exited"
    ? "its process exited"
    : `no answer in ${readyTimeoutMs / 1000} s`;
  throw new Error(
    `Cannot bring the local stack up: ${name} is not ready (${why}). ` +
      `Last lines of .local/stack/logs/${log}:\n${await logTail(`${stackPaths.logs}/${log}`)}`,
  );
}

function ensurePortFree(port: number, what: string): void {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  } catch {
    throw new Error(
      `Cannot start ${what}: port ${port} is used by a process stack up did not start`,
    );
  }
}

function noResult(): undefined {
  return undefined;
}
