/**
 * `/_sim`: the simulator's own unauthenticated admin API, so tests and the demo in another process
 * can add accounts, switch faults on and read the request log over HTTP. Not a SolarEdge API. The
 * routes every simulator shares are in sim_admin.ts.
 */
import type { SimAccount, SimFault, SolarEdgeSimulator } from "./solaredge.ts";
import { adminError, simAdminResponse } from "./sim_admin.ts";
import { oauthAdminRoutes } from "./solaredge_oauth_admin.ts";

export function adminResponse(
  sim: SolarEdgeSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  return simAdminResponse<SimFault>(req, url, {
    sim,
    routes: {
      ...oauthAdminRoutes(sim.oauth, req, url),
      "POST /_sim/accounts": async () => {
        const account = await req.json() as SimAccount;
        sim.addAccount(account);
        return Response.json({ apiKey: account.apiKey, sites: account.sites.length }, {
          status: 201,
        });
      },
      "DELETE /_sim/accounts/*": (apiKey) =>
        sim.removeAccount(apiKey)
          ? new Response(null, { status: 204 })
          : adminError(404, `Cannot remove account: no account has API key ${apiKey}`),
      "GET /_sim/requests": () => {
        const apiKey = url.searchParams.get("apiKey");
        if (apiKey === null) return adminError(400, "Cannot list requests: apiKey is required");
        return Response.json(sim.requests(apiKey));
      },
    },
  });
}
