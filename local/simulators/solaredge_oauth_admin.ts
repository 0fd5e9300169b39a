/**
 * `/_sim/oauth/…`: the admin routes of the simulator's Site Access server, so tests and the demo
 * in another process can register the app and homeowners, move the token clock past an access
 * token's 7,200 s, revoke a homeowner's grant, expire tokens and read the token request log.
 * Not a SolarEdge API.
 */
import type { AdminRoutes } from "./sim_admin.ts";
import type { SimHomeowner, SimOAuthClient, SolarEdgeOAuth } from "./solaredge_oauth.ts";

export function oauthAdminRoutes(oauth: SolarEdgeOAuth, req: Request, url: URL): AdminRoutes {
  return {
    "POST /_sim/oauth/clients": async () => {
      const client = await req.json() as SimOAuthClient;
      oauth.addClient(client);
      return Response.json({ clientId: client.clientId }, { status: 201 });
    },
    "POST /_sim/oauth/owners": async () => {
      const owner = await req.json() as SimHomeowner;
      oauth.addOwner(owner);
      return Response.json({ email: owner.email, sites: owner.sites.length }, { status: 201 });
    },
    "POST /_sim/oauth/clock": async () => {
      const { advanceSeconds } = await req.json() as { advanceSeconds: number };
      oauth.advanceClock(advanceSeconds);
      return new Response(null, { status: 204 });
    },
    "POST /_sim/oauth/revoke": async () => {
      const { siteId } = await req.json() as { siteId: number };
      return Response.json({ revoked: oauth.revokeSite(Number(siteId)) });
    },
    "POST /_sim/oauth/expire": async () => {
      const { siteId } = await req.json() as { siteId?: number };
      const expired = oauth.expireAccessTokens(siteId === undefined ? undefined : Number(siteId));
      return Response.json({ expired });
    },
    "GET /_sim/oauth/requests": () => {
      const siteId = url.searchParams.get("siteId");
      return Response.json({
        token: oauth.tokenRequests(),
        bearer: siteId === null ? [] : oauth.bearerRequests(Number(siteId)),
      });
    },
  };
}
