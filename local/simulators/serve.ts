/**
 * What every simulator does the same way: serve its handler on a port (0 picks a free one, read
 * `server.addr.port`) behind the benchmark's latency and status counts (sim_controls.ts), and read
 * `--port N` / `--port=N` when run on its own.
 */
import { type SimControlOptions, withSimControls } from "./sim_controls.ts";

export function serveSimulator<O, S extends { handler: (req: Request) => Promise<Response> }>(
  create: (options: O) => S,
  options: { port: number; hostname?: string } & O,
  controls: SimControlOptions = {},
): { server: Deno.HttpServer<Deno.NetAddr>; sim: S } {
  const { port, hostname = "127.0.0.1", ...simOptions } = options;
  const sim = create(simOptions as O);
  // A silent onListen: callers print their own line (the *_main.ts files) or nothing (tests).
  const server = Deno.serve(
    { port, hostname, onListen() {} },
    withSimControls(sim.handler, controls),
  );
  return { server, sim };
}

/** The `--port` of a simulator's command line; exits with a message when it is not a port. */
export function simulatorPort(args: string[], fallback: number, name: string): number {
  const raw = args.find((a) => a.startsWith("--port="))?.slice("--port=".length) ??
    (args.includes("--port") ? args[args.indexOf("--port") + 1] : String(fallback));
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Cannot start the ${name} simulator: --port must be 0-65535, got ${raw}`);
    Deno.exit(2);
  }
  return port;
}
