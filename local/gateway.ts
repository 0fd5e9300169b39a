/**
 * The local API gateway for Edge Functions: `/functions/v1/<name>/<rest>` runs
 * `<functionsDir>/<name>/index.ts` in a worker process of its own (function_worker.ts) under
 * Supabase's Edge limits (edge_limits.ts), with the JWT gate that config.toml asks for and the
 * status codes and bodies of Supabase's own gateway (unknown function 404, bad JWT 401, boot
 * failure 503, thrown error 500, a limit 546). Local-only routes, never functions (an underscore
 * name is never a function): `/functions/v1/_health` reports the stack's own health,
 * `/functions/v1/_invocations[?function=<name>&since=<ISO time>]` lists recorded invocations and
 * the invocations not yet recorded per function, and `/functions/v1/_limits` shows the limits (`PUT` a JSON object
 * of some of `cpuMs`, `wallClockMs`, `memoryMb` to change them for new workers, as a test does;
 * `DELETE` restores the configured ones).
 *
 * A worker serves one invocation at a time; concurrent requests get workers of their own, and an
 * idle worker is reused while it is younger than half the wall clock (a local choice, so that an
 * invocation always has at least half of it; on Supabase a warm worker may have less). A worker
 * killed at a limit is gone: the next request boots a fresh one.
 */
import { pathToFileURL } from "node:url";
import { type EdgeLimits, supabaseLimits } from "./edge_limits.ts";
import { defaultFunctionConfig, type FunctionConfig } from "./functions_config.ts";
import { BootError, FunctionWorker } from "./function_worker.ts";
import { functionNamePattern, functionRoute } from "./function_route.ts";
import { createInvocationLog, type InvocationLog } from "./invocation_log.ts";
import { checkJwt } from "./jwt_check.ts";
import { stackEnv } from "./stack_env.ts";
import { jwks, jwksPath } from "./stack_auth.ts";

export interface GatewayOptions {
  /** Absolute path of supabase/functions. */
  functionsDir: string;
  /** `[functions.<name>]` entries of config.toml (see functions_config.ts). */
  config: Record<string, FunctionConfig>;
  jwtSecret?: string;
  /** Parts of the stack to report on `_health`; any value other than "ok"/"listening" fails it. */
  health?: () => Record<string, string>;
  /** Default: Supabase's (2 s CPU, 150 s wall clock, 256 MB). */
  limits?: EdgeLimits;
  /** JSON-lines file that receives every invocation record as well. */
  invocationsFile?: string;
}

export interface Gateway {
  (req: Request): Promise<Response>;
  invocations: InvocationLog;
  /** Stops every worker. */
  close(): Promise<void>;
}

export const healthPath = "/functions/v1/_health";
export const invocationsPath = "/functions/v1/_invocations";
export const limitsPath = "/functions/v1/_limits";

export function createGateway(options: GatewayOptions): Gateway {
  const { functionsDir, config, jwtSecret = stackEnv.JWT_SECRET } = options;
  const configured = options.limits ?? supabaseLimits;
  let limits = configured;
  const invocations = createInvocationLog({ file: options.invocationsFile });
  const workers = new Map<string, Set<FunctionWorker>>();
  // Counted from hand-over until the record is added, not from the worker's state: a killed worker
  // is dead at once but its invocation is recorded only when the process has exited, and "idle"
  // must mean that every invocation so far can be read.
  const running = new Map<string, number>();

  /** Too old to take another invocation, or started under other limits. */
  function retired(worker: FunctionWorker): boolean {
    return worker.limits !== limits || worker.ageMs() >= worker.limits.wallClockMs / 2;
  }

  async function acquire(name: string, entrypoint: string): Promise<FunctionWorker> {
    const pool = workers.get(name) ?? new Set<FunctionWorker>();
    workers.set(name, pool);
    for (const worker of pool) {
      if (worker.dead) pool.delete(worker);
      else if (!worker.busy && retired(worker)) {
        pool.delete(worker);
        void worker.stop();
      } else if (!worker.busy) {
        worker.busy = true;
        return worker;
      }
    }
    const worker = await FunctionWorker.start(name, pathToFileURL(entrypoint), limits);
    worker.busy = true;
    pool.add(worker);
    return worker;
  }

  const gateway = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === healthPath) return health(options.health?.() ?? {});
    // The project's signing keys, as Supabase Auth publishes them; the functions verify sessions
    // against them (shared/session.ts).
    if (url.pathname === jwksPath) return Response.json(await jwks());
    if (url.pathname === invocationsPath) {
      const filter = {
        function: url.searchParams.get("function") ?? undefined,
        since: url.searchParams.get("since") ?? undefined,
      };
      const active: Record<string, number> = {};
      for (const name of workers.keys()) active[name] = running.get(name) ?? 0;
      return Response.json({ limits, active, invocations: invocations.list(filter) });
    }
    if (url.pathname === limitsPath) {
      if (req.method === "DELETE") limits = configured;
      if (req.method === "PUT") {
        try {
          limits = { ...limits, ...parseLimits(await req.text()) };
        } catch (error) {
          return Response.json({ error: (error as Error).message }, { status: 400 });
        }
      }
      return Response.json(limits);
    }
    const route = functionRoute(url);
    if (route === null) {
      return Response.json({ message: "no Route matched with those values" }, { status: 404 });
    }
    const settings = config[route.name] ?? defaultFunctionConfig;
    const entrypoint = `${functionsDir}/${route.name}/index.ts`;
    if (!functionNamePattern.test(route.name) || !settings.enabled || !(await isFile(entrypoint))) {
      return new Response("Function not found", {
        status: 404,
        headers: { "content-type": "text/plain" },
      });
    }
    if (settings.verifyJwt && req.method !== "OPTIONS") {
      const rejection = await checkJwt(req, jwtSecret);
      if (rejection) return rejection;
    }
    let worker: FunctionWorker;
    try {
      worker = await acquire(route.name, entrypoint);
    } catch (error) {
      if (!(error instanceof BootError)) throw error;
      console.error(`gateway: ${error.message}`);
      return Response.json({
        code: "BOOT_ERROR",
        message: "Worker failed to boot (please check logs)",
      }, { status: 503 });
    }
    // The caller's abort signal is not passed on: a caller that hangs up (pg_net's timeout, say)
    // must not cancel the function midway, as reported for Supabase.
    const path = route.url.slice("http://localhost".length);
    running.set(route.name, (running.get(route.name) ?? 0) + 1);
    let invocation: Awaited<ReturnType<FunctionWorker["invoke"]>>;
    try {
      invocation = await worker.invoke(req, path);
    } catch (error) {
      running.set(route.name, (running.get(route.name) ?? 1) - 1);
      throw error;
    }
    const { response, done } = invocation;
    void done.then((record) => {
      invocations.add(record);
      const pool = workers.get(route.name);
      if (worker.dead) pool?.delete(worker);
      else if (retired(worker)) {
        pool?.delete(worker);
        void worker.stop();
      }
    }).finally(() => running.set(route.name, (running.get(route.name) ?? 1) - 1));
    return response;
  };

  return Object.assign(gateway, {
    invocations,
    async close() {
      const all = [...workers.values()].flatMap((pool) => [...pool]);
      workers.clear();
      await Promise.all(all.map((w) => w.stop()));
      await invocations.flushed();
    },
  });
}

/** A PUT body of `_limits`: some of `cpuMs`, `wallClockMs`, `memoryMb`, each a positive number. */
function parseLimits(text: string): Partial<EdgeLimits> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error("Cannot set the Edge limits: the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Error("Cannot set the Edge limits: the body must be a JSON object");
  }
  const out: Partial<EdgeLimits> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "cpuMs" && key !== "wallClockMs" && key !== "memoryMb") {
      throw new Error(`Cannot set the Edge limits: unknown limit ${key}`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new Error(`Cannot set the Edge limits: ${key} must be a positive number`);
    }
    out[key] = value;
  }
  return out;
}

function health(parts: Record<string, string>): Response {
  const ok = Object.values(parts).every((v) => v === "ok" || v === "listening");
  return Response.json({ status: ok ? "ok" : "degraded", gateway: "ok", ...parts }, {
    status: ok ? 200 : 503,
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
