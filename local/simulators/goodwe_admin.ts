/**
 * `/_sim`: the GoodWe simulator's own unauthenticated admin API, so tests and the demo in another
 * process can add accounts, switch faults on, shorten or end sessions and read the request log
 * over HTTP. Not a GoodWe API.
 */
import type { GoodWeSimulator, SimAccount, SimFault } from "./goodwe.ts";

export async function adminResponse(
  sim: GoodWeSimulator,
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
      return Response.json({ account: account.account, plants: account.plants.length }, {
        status: 201,
      });
    }
    if (req.method === "DELETE" && path.startsWith("/_sim/accounts/")) {
      const account = decodeURIComponent(path.slice("/_sim/accounts/".length));
      return sim.removeAccount(account)
        ? new Response(null, { status: 204 })
        : adminError(404, `Cannot remove account: no account ${account}`);
    }
    if (op === "POST /_sim/faults") {
      sim.addFault(await req.json() as SimFault);
      return new Response(null, { status: 201 });
    }
    if (op === "DELETE /_sim/faults") {
      sim.clearFaults();
      return new Response(null, { status: 204 });
    }
    if (op === "PUT /_sim/session-lifetime" || op === "POST /_sim/session-lifetime") {
      const { seconds } = await req.json() as { seconds: number };
      sim.setSessionLifetime(seconds);
      return new Response(null, { status: 204 });
    }
    if (op === "POST /_sim/expire") {
      const { account } = await req.json() as { account?: unknown };
      if (typeof account !== "string") {
        return adminError(400, "Cannot expire sessions: account is required");
      }
      return Response.json({ expired: sim.expireSessions(account) });
    }
    if (op === "GET /_sim/requests") {
      const account = url.searchParams.get("account");
      if (account === null) return adminError(400, "Cannot list requests: account is required");
      return Response.json(sim.requests(account));
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
