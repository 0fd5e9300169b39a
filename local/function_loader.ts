/**
 * Loads an Edge Function module the way the edge runtime accepts it: a default export
 * `{ fetch(req) }`, or a top-level `Deno.serve(handler)` call. For the second form `Deno.serve` is
 * swapped for a recorder while the module evaluates, so the function shares the gateway's port
 * instead of opening its own. Loads are serialised because the swap is process-wide.
 */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

let previous: Promise<unknown> = Promise.resolve();

export function loadFunction(entrypoint: URL): Promise<FetchHandler> {
  installEdgeRuntime();
  const loaded = previous.then(() => importCapturingServe(entrypoint));
  previous = loaded.catch(() => {});
  return loaded;
}

async function importCapturingServe(entrypoint: URL): Promise<FetchHandler> {
  const original = Deno.serve;
  let served: FetchHandler | undefined;
  Object.assign(Deno, {
    serve: (...args: unknown[]) => {
      served = handlerOf(args);
      return recordedServer();
    },
  });
  try {
    const mod = await import(entrypoint.href);
    const fetchExport = mod.default?.fetch;
    if (typeof fetchExport === "function") return (req) => fetchExport.call(mod.default, req);
    if (served) return served;
    throw new Error(
      `Cannot serve ${entrypoint.pathname}: no default { fetch } export and no Deno.serve call`,
    );
  } finally {
    Object.assign(Deno, { serve: original });
  }
}

/** Deno.serve(handler), Deno.serve(options, handler) and Deno.serve({ handler, ... }). */
function handlerOf(args: unknown[]): FetchHandler | undefined {
  const candidate = args.find((a) => typeof a === "function") ??
    (args[0] as { handler?: unknown } | undefined)?.handler;
  return typeof candidate === "function" ? candidate as FetchHandler : undefined;
}

function recordedServer() {
  return {
    addr: { transport: "tcp", hostname: "127.0.0.1", port: 0 },
    finished: new Promise<void>(() => {}),
    shutdown: () => Promise.resolve(),
    ref() {},
    unref() {},
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

/**
 * `EdgeRuntime.waitUntil` as in Supabase's runtime, where plain Deno has none: the process lives
 * on anyway, so it only has to keep a failing background task from becoming an unhandled
 * rejection (which would end the whole local stack).
 */
function installEdgeRuntime(): void {
  if ("EdgeRuntime" in globalThis) return;
  Object.assign(globalThis, {
    EdgeRuntime: {
      waitUntil(promise: Promise<unknown>) {
        promise.catch((error) => console.error("EdgeRuntime.waitUntil task failed:", error));
        return promise;
      },
    },
  });
}
