/**
 * `/_sim`: the SMA simulator's own unauthenticated admin API, so tests and the demo in another
 * process can add clients and owners, switch faults on, shorten token lifetimes, revoke an owner
 * and read the request log over HTTP. Not an SMA API. The routes every simulator shares are in
 * sim_admin.ts.
 */
import { adminError, simAdminResponse } from "./sim_admin.ts";
import type { SmaFault, SmaSimClient, SmaSimOwner, SmaSimulator } from "./sma.ts";

export function adminResponse(
  sim: SmaSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  return simAdminResponse<SmaFault>(req, url, {
    sim,
    routes: {
      "POST /_sim/clients": async () => {
        const client = await req.json() as SmaSimClient;
        sim.addClient(client);
        return Response.json({ clientId: client.clientId }, { status: 201 });
      },
      "POST /_sim/owners": async () => {
        const owner = await req.json() as SmaSimOwner;
        sim.addOwner(owner);
        return Response.json({ email: owner.email, plants: owner.plants.length }, { status: 201 });
      },
      "PUT /_sim/token-lifetime": async () => {
        sim.setAccessTokenLifetime((await req.json())?.seconds);
        return new Response(null, { status: 204 });
      },
      "POST /_sim/revoke": async () => {
        const email = (await req.json())?.email;
        return sim.revokeOwner(email)
          ? new Response(null, { status: 204 })
          : adminError(404, `Cannot revoke owner: no owner has e-mail ${email}`);
      },
      "GET /_sim/requests": () =>
        Response.json(sim.requests(url.searchParams.get("clientId") ?? undefined)),
      "GET /_sim/token-requests": () =>
        Response.json({
          count: sim.tokenRequests(url.searchParams.get("grantType") ?? undefined),
        }),
    },
  });
}
