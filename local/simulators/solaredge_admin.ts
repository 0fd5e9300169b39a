/**
 * `/_sim`: the simulator's own unauthenticated admin API, so tests and the demo in another process
 * can add accounts, switch faults on and read the request log over HTTP. Not a SolarEdge API.
 */
import type { SimAccount, SimFault, SolarEdgeSimulator } from "./solaredge.ts";

export async function adminResponse(
  sim: SolarEdgeSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  const op = `${req.method} ${path}`;
  try {
    if (op === "GET /_sim/health") return Response.json({ ok: true });
    if (op === "POST /_sim/accounts") {
      const account = await req.json() as SimAccount;
      sim.addAccount(account);
      return Response.json({ apiKey: account.apiKey, sites: account.sites.length }, {
        status: 201,
      });
    }
    if (req.method === "DELETE" && path.startsWith("/_sim/accounts/")) {
      const apiKey = decodeURIComponent(path.slice("/_sim/accounts/".length));
      return sim.removeAccount(apiKey)
        ? new Response(null, { status: 204 })
        : adminError(404, `Cannot remove account: no account has API key ${apiKey}`);
    }
    if (op === "POST /_sim/faults") {
      sim.addFault(await req.json() as SimFault);
      return new Response(null, { status: 201 });
    }
    if (op === "DELETE /_sim/faults") {
      sim.clearFaults();
      return new Response(null, { status: 204 });
    }
    if (op === "GET /_sim/requests") {
      const apiKey = url.searchParams.get("apiKey");
      if (apiKey === null) return adminError(400, "Cannot list requests: apiKey is required");
      return Response.json(sim.requests(apiKey));
    }
    if (op === "DELETE /_sim/requests") {
      sim.resetRequests();
      return new Response(null, { status: 204 });
    }
    return adminError(404, `Cannot route ${op}: not a simulator admin endpoint`);
  } catch (error) {
    // Bad JSON and rejected accounts or faults are the caller's mistake, so 400 with the reason.
    return adminError(400, error instanceof Error ? error.message : String(error));
  }
}

function adminError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
