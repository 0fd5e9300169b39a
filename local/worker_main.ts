/**
 * One function worker: a Deno process of its own that the gateway (function_worker.ts) starts for
 * one function, so that its CPU time and memory can be read from /proc and the process killed at a
 * limit without touching the gateway or any other function. It boots the function, listens on an
 * ephemeral port of 127.0.0.1 and prints `EDGE_WORKER_READY <port>` on stdout.
 *
 * Besides the function's own paths it answers two control paths, which no function can shadow
 * (a function name starts with a letter):
 * - `GET /__edge/settled` answers once no request is being handled and every
 *   `EdgeRuntime.waitUntil` promise has settled: the end of an invocation on Supabase;
 * - `POST /__edge/beforeunload?reason=<CPUTime|WallClockTime|Memory|EarlyDrop>` dispatches
 *   `beforeunload` with `detail.reason`, as the edge runtime does before it stops a worker.
 *
 * Usage: deno run -A --config deno.json --v8-flags=--max-old-space-size=<MB> worker_main.ts <url>
 */
import { type FetchHandler, loadFunction } from "./function_loader.ts";
import { beforeunloadPath, readyMarker, settledPath } from "./worker_protocol.ts";

const entrypoint = new URL(Deno.args[0]);
let inFlight = 0;
const pending = new Set<Promise<unknown>>();
let settledWaiters: Array<() => void> = [];

function notifyIfSettled() {
  if (inFlight > 0 || pending.size > 0) return;
  const waiters = settledWaiters;
  settledWaiters = [];
  for (const resolve of waiters) resolve();
}

Object.assign(globalThis, {
  EdgeRuntime: {
    waitUntil(promise: Promise<unknown>) {
      const tracked = Promise.resolve(promise).catch((error) =>
        console.error("EdgeRuntime.waitUntil task failed:", error)
      ).finally(() => {
        pending.delete(tracked);
        notifyIfSettled();
      });
      pending.add(tracked);
      return promise;
    },
  },
});

// A stray background rejection is logged, as the local stack always did, instead of ending the
// worker and every invocation in it.
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  console.error("worker: unhandled rejection:", event.reason);
});

let handler: FetchHandler;
try {
  handler = await loadFunction(entrypoint);
} catch (error) {
  console.error(`worker: cannot boot ${entrypoint.pathname}:`, error);
  Deno.exit(1);
}

// The gateway kills its workers when it stops; a gateway that died without doing so leaves the
// worker to the init process, and the worker ends itself.
const parent = Deno.ppid;
setInterval(() => {
  if (Deno.ppid !== parent) Deno.exit(0);
}, 1000);

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`${readyMarker} ${port}`),
}, async (req) => {
  const url = new URL(req.url);
  if (url.pathname === settledPath) {
    const settled = new Promise<void>((resolve) => settledWaiters.push(resolve));
    notifyIfSettled();
    await settled;
    return new Response(null, { status: 204 });
  }
  if (url.pathname === beforeunloadPath) {
    const reason = url.searchParams.get("reason") ?? "TerminationRequested";
    globalThis.dispatchEvent(new CustomEvent("beforeunload", { detail: { reason } }));
    return new Response(null, { status: 204 });
  }
  inFlight++;
  try {
    // On Supabase a function sees `http://localhost/<name>/<rest>?<query>` (function_route.ts).
    const forwarded = new Request(`http://localhost${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    const response = await handler(forwarded);
    if (!(response instanceof Response)) {
      throw new TypeError("the handler did not return a Response");
    }
    return response;
  } catch (error) {
    console.error(`worker: function ${entrypoint.pathname} failed:`, error);
    return Response.json({
      code: "WORKER_ERROR",
      message: "Function exited due to an error (please check logs)",
    }, { status: 500 });
  } finally {
    inFlight--;
    notifyIfSettled();
  }
});
