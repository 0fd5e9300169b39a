/**
 * The one long-running Deno process of the local stack (`stack up` starts it in the background,
 * logging to .local/stack/logs/services.log): the functions gateway on :54321 (each function in
 * worker processes of its own under the Edge limits; invocations recorded in
 * .local/stack/logs/invocations.jsonl), the pg_net worker and the vendor simulators
 * (vendor_simulators.ts). Run it in the foreground with
 * `deno run -A local/services.ts` when debugging a function.
 */
import { readEdgeLimits } from "./edge_limits.ts";
import { createGateway } from "./gateway.ts";
import { readFunctionsConfig } from "./functions_config.ts";
import { startPgNetWorker } from "./pg_net_worker.ts";
import { startS3FaultProxy } from "./s3_fault_proxy.ts";
import { startVendorSimulators } from "./vendor_simulators.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";

// Functions read their configuration from the process environment when they are first loaded,
// which happens after this line: the stack's values win over whatever the shell had.
for (const [name, value] of Object.entries(stackEnv)) Deno.env.set(name, value);
// The functions write through the fault proxy (pass-through until a fault is armed on /_faults).
const s3Proxy = await startS3FaultProxy(stackEnv.S3_ENDPOINT, stackPorts.s3Faults);
Deno.env.set("S3_ENDPOINT", s3Proxy.url);

// A function's stray background promise must not take the gateway, worker and simulator down.
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  console.error("services: unhandled rejection:", event.reason);
});

const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => controller.abort());
}

const worker = startPgNetWorker({ dbUrl: stackEnv.SUPABASE_DB_URL, signal: controller.signal });

const gateway = createGateway({
  functionsDir: stackPaths.functions,
  config: await readFunctionsConfig(stackPaths.configToml),
  health: () => ({ worker: worker.status() }),
  // EDGE_WALL_CLOCK_S=400 (paid plan) or lower for a test; EDGE_CPU_MS, EDGE_MEMORY_MB.
  limits: readEdgeLimits((name) => Deno.env.get(name)),
  invocationsFile: `${stackPaths.logs}/invocations.jsonl`,
});
controller.signal.addEventListener("abort", () => void gateway.close(), { once: true });
const api = Deno.serve({
  hostname: "127.0.0.1",
  port: stackPorts.api,
  signal: controller.signal,
  onListen: ({ port }) =>
    console.log(`services: functions gateway on http://127.0.0.1:${port}/functions/v1/`),
}, gateway);

console.log(`services: S3 fault proxy on ${s3Proxy.url} in front of ${stackEnv.S3_ENDPOINT}`);
controller.signal.addEventListener("abort", () => void s3Proxy.close(), { once: true });

const simulators = startVendorSimulators();
for (const s of simulators) {
  console.log(`services: ${s.name} on ${s.url}`);
  controller.signal.addEventListener("abort", () => s.server.shutdown(), { once: true });
}

await Promise.all([api.finished, worker.stopped, ...simulators.map((s) => s.server.finished)]);
await gateway.close();
console.log("services: stopped");
// The signal listeners above would keep the process alive.
Deno.exit(0);
