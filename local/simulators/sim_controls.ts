/**
 * Switches every simulator has in front of its vendor API, for the benchmark: an added latency on
 * each vendor call (a real vendor answers in hundreds of milliseconds, loopback in one) and a
 * count of the answers by status, with the rate-limit refusals apart, so a client's own 429s can
 * be read after a run. Routes, beside each simulator's own `/_sim` API:
 *
 *   GET|PUT /_sim/latency   `{"ms": 300}`: delay before every request outside /_sim
 *   GET /_sim/stats         `{"requests", "byStatus": {"200": n}, "rateLimited"}` since the reset
 *   DELETE /_sim/stats      resets the counts
 *
 * No vendor has such an API; the latency is the benchmark's assumption, not a vendor fact.
 */
import { adminError } from "./sim_admin.ts";

export interface SimControlOptions {
  /**
   * A refusal for being too fast that is not an HTTP 429: GoodWe answers its GY0429 with HTTP 200
   * (vendors.md §4.2). HTTP 429 always counts.
   */
  rateLimited?: (res: Response) => Promise<boolean>;
}

export interface SimStats {
  requests: number;
  byStatus: Record<string, number>;
  rateLimited: number;
}

export function withSimControls(
  handler: (req: Request) => Promise<Response>,
  options: SimControlOptions = {},
): (req: Request) => Promise<Response> {
  let latencyMs = 0;
  let stats: SimStats = { requests: 0, byStatus: {}, rateLimited: 0 };
  const routes: Record<string, (req: Request) => Promise<Response> | Response> = {
    "GET /_sim/latency": () => Response.json({ ms: latencyMs }),
    "PUT /_sim/latency": async (req) => {
      const ms = (await req.json().catch(() => undefined))?.ms;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
        return adminError(400, "Cannot set latency: ms must be a number from 0 to 60000");
      }
      latencyMs = ms;
      return new Response(null, { status: 204 });
    },
    "GET /_sim/stats": () => Response.json(stats),
    "DELETE /_sim/stats": () => {
      stats = { requests: 0, byStatus: {}, rateLimited: 0 };
      return new Response(null, { status: 204 });
    },
  };
  return async (req) => {
    const url = new URL(req.url);
    const route = routes[`${req.method} ${url.pathname.replace(/\/+$/, "")}`];
    if (route) return await route(req);
    if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) return await handler(req);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const res = await handler(req);
    stats.requests++;
    stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
    if (res.status === 429 || (await options.rateLimited?.(res.clone()))) stats.rateLimited++;
    return res;
  };
}
