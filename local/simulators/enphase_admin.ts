/**
 * `/_sim`: the Enphase simulator's own unauthenticated admin API, so tests and the demo in another
 * process can register apps and users, switch faults on, shorten token lifetimes, revoke a
 * homeowner's grant and read the request logs over HTTP. Not an Enphase API. The routes every
 * simulator shares are in sim_admin.ts.
 */
import type { EnphaseFault, EnphaseSimulator, SimApp, SimUser } from "./enphase.ts";
import { simAdminResponse } from "./sim_admin.ts";

export function adminResponse(
  sim: EnphaseSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  return simAdminResponse<EnphaseFault>(req, url, {
    sim,
    routes: {
      "POST /_sim/apps": async () => {
        const app = await req.json() as SimApp;
        sim.addApp(app);
        return Response.json({ clientId: app.clientId, plan: app.plan ?? "Watt" }, { status: 201 });
      },
      "POST /_sim/users": async () => {
        const user = await req.json() as SimUser;
        sim.addUser(user);
        return Response.json({ email: user.email, systems: user.systems.length }, { status: 201 });
      },
      "POST /_sim/token-lifetime": async () => {
        const { seconds } = await req.json() as { seconds: number };
        sim.setAccessTokenLifetime(seconds);
        return new Response(null, { status: 204 });
      },
      "POST /_sim/revoke": async () => {
        const { email, accessTokens } = await req.json() as {
          email: string;
          accessTokens?: boolean;
        };
        return Response.json({ revoked: sim.revokeRefreshTokens(email, { accessTokens }) });
      },
      "GET /_sim/requests": () => {
        const apiKey = url.searchParams.get("apiKey");
        const token = sim.tokenRequests();
        return Response.json(apiKey === null ? { token } : { api: sim.requests(apiKey), token });
      },
    },
  });
}
