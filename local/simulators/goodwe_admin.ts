/**
 * `/_sim`: the GoodWe simulator's own unauthenticated admin API, so tests and the demo in another
 * process can add accounts, switch faults on, shorten or end sessions and read the request log
 * over HTTP. Not a GoodWe API. The routes every simulator shares are in sim_admin.ts.
 */
import type { GoodWeSimulator, SimAccount, SimFault } from "./goodwe.ts";
import { adminError, simAdminResponse } from "./sim_admin.ts";

export function adminResponse(
  sim: GoodWeSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  const setSessionLifetime = async () => {
    const { seconds } = await req.json() as { seconds: number };
    sim.setSessionLifetime(seconds);
    return new Response(null, { status: 204 });
  };
  return simAdminResponse<SimFault>(req, url, {
    sim,
    routes: {
      "POST /_sim/accounts": async () => {
        const account = await req.json() as SimAccount;
        sim.addAccount(account);
        return Response.json({ account: account.account, plants: account.plants.length }, {
          status: 201,
        });
      },
      "DELETE /_sim/accounts/*": (account) =>
        sim.removeAccount(account)
          ? new Response(null, { status: 204 })
          : adminError(404, `Cannot remove account: no account ${account}`),
      "PUT /_sim/session-lifetime": setSessionLifetime,
      "POST /_sim/session-lifetime": setSessionLifetime,
      "POST /_sim/expire": async () => {
        const { account } = await req.json() as { account?: unknown };
        if (typeof account !== "string") {
          return adminError(400, "Cannot expire sessions: account is required");
        }
        return Response.json({ expired: sim.expireSessions(account) });
      },
      "GET /_sim/requests": () => {
        const account = url.searchParams.get("account");
        if (account === null) return adminError(400, "Cannot list requests: account is required");
        return Response.json(sim.requests(account));
      },
    },
  });
}
