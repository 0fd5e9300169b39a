/**
 * `/_sim`: the plumbing of every simulator's own unauthenticated admin API, through which tests
 * and the demo in another process drive a simulator over HTTP. No vendor has such an API. Each
 * vendor supplies its routes; the health probe, the fault switches and the request-log reset are
 * the same everywhere, and so are the error answers: 400 with the reason when a route throws (bad
 * JSON, rejected input), 404 off the routes, both as `{"error": "..."}`.
 */

/** What every simulator offers its admin API, besides the vendor's own routes. */
export interface SimAdminTarget<F> {
  addFault(fault: F): void;
  clearFaults(): void;
  resetRequests(): void;
  /** How many requests faults have failed so far (`GET /_sim/faults`). */
  faultsFired?(): number;
}

/**
 * Routes keyed by `METHOD /_sim/path`. A key ending in `/*` takes every path below it and gets the
 * rest of the path, URI-decoded (`DELETE /_sim/accounts/*` gets the account).
 */
export type AdminRoutes = Record<string, (rest: string) => Response | Promise<Response>>;

export async function simAdminResponse<F>(
  req: Request,
  url: URL,
  options: { sim: SimAdminTarget<F>; routes: AdminRoutes },
): Promise<Response> {
  const { sim } = options;
  const op = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
  const routes: AdminRoutes = {
    "GET /_sim/health": () => Response.json({ ok: true }),
    "POST /_sim/faults": async () => {
      sim.addFault(await req.json() as F);
      return new Response(null, { status: 201 });
    },
    "GET /_sim/faults": () => Response.json({ fired: sim.faultsFired?.() ?? null }),
    "DELETE /_sim/faults": () => {
      sim.clearFaults();
      return new Response(null, { status: 204 });
    },
    "DELETE /_sim/requests": () => {
      sim.resetRequests();
      return new Response(null, { status: 204 });
    },
    ...options.routes,
  };
  try {
    if (Object.hasOwn(routes, op)) return await routes[op]("");
    for (const [key, route] of Object.entries(routes)) {
      const prefix = key.endsWith("/*") ? key.slice(0, -1) : undefined;
      if (prefix && op.startsWith(prefix)) {
        return await route(decodeURIComponent(op.slice(prefix.length)));
      }
    }
    return adminError(404, `Cannot route ${op}: not a simulator admin endpoint`);
  } catch (error) {
    return adminError(400, error instanceof Error ? error.message : String(error));
  }
}

/** An admin answer that is not a success: `{"error": message}` with the status. */
export function adminError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
