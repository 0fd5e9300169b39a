/**
 * The Edge Function limits the local gateway enforces on every function worker, as Supabase
 * documents them (supabase.md §4 "Limits (hosted)"): 2 s of CPU per request, a wall clock of
 * 150 s (free plan) or 400 s (paid plans) over the worker's life, and 256 MB of memory. The edge
 * runtime dispatches `beforeunload` when a worker reaches 90 % of a limit
 * (`--dispatch-beforeunload-{cpu,memory,wall-clock}-ratio`, default 90, in supabase/edge-runtime's
 * CLI) and terminates it at the limit.
 */
export interface EdgeLimits {
  /** CPU time one invocation (request plus its `waitUntil` work) may use. */
  cpuMs: number;
  /** How long a worker may live, from its boot. */
  wallClockMs: number;
  /** Resident memory of the worker process, and its V8 heap limit. */
  memoryMb: number;
  /** Share of a limit at which the worker receives `beforeunload`. */
  beforeunloadRatio: number;
}

export const supabaseLimits: Readonly<EdgeLimits> = Object.freeze({
  cpuMs: 2_000,
  wallClockMs: 150_000,
  memoryMb: 256,
  beforeunloadRatio: 0.9,
});

/**
 * Limits from `EDGE_WALL_CLOCK_S` (default 150; 400 for a paid plan; tests lower it),
 * `EDGE_CPU_MS` (default 2000) and `EDGE_MEMORY_MB` (default 256).
 */
export function readEdgeLimits(env: (name: string) => string | undefined): EdgeLimits {
  return {
    ...supabaseLimits,
    wallClockMs: 1000 * positive("EDGE_WALL_CLOCK_S", env, supabaseLimits.wallClockMs / 1000),
    cpuMs: positive("EDGE_CPU_MS", env, supabaseLimits.cpuMs),
    memoryMb: positive("EDGE_MEMORY_MB", env, supabaseLimits.memoryMb),
  };
}

function positive(name: string, env: (name: string) => string | undefined, fallback: number) {
  const value = env(name);
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`Cannot use ${name}=${value}: it must be a positive number`);
  }
  return n;
}
