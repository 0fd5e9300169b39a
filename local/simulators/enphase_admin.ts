/**
 * `/_sim`: the Enphase simulator's own unauthenticated admin API, so tests and the demo in another
 * process can register apps and users, switch faults on, shorten token lifetimes, revoke a
 * homeowner's grant and read the request logs over HTTP. Not an Enphase API.
 */
import type { EnphaseFault, EnphaseSimulator, SimApp, SimUser } from "./enphase.ts";

export async function adminResponse(
  sim: EnphaseSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  const op = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
  try {
    switch (op) {
      case "GET /_sim/health":
        return Response.json({ ok: true });
      case "POST /_sim/apps": {
        const app = await req.json() as SimApp;
        sim.addApp(app);
        return Response.json({ clientId: app.clientId, plan: app.plan ?? "Watt" }, { status: 201 });
      }
      case "POST /_sim/users": {
        const user = await req.json() as SimUser;
        sim.addUser(user);
        return Response.json({ email: user.email, systems: user.systems.length }, { status: 201 });
      }
      case "POST /_sim/faults":
        sim.addFault(await req.json() as EnphaseFault);
        return new Response(null, { status: 201 });
      case "DELETE /_sim/faults":
        sim.clearFaults();
        return new Response(null, { status: 204 });
      case "POST /_sim/token-lifetime": {
        const { seconds } = await req.json() as { seconds: number };
        sim.setAccessTokenLifetime(seconds);
        return new Response(null, { status: 204 });
      }
      case "POST /_sim/revoke": {
        const { email, accessTokens } = await req.json() as {
          email: string;
          accessTokens?: boolean;
        };
        return Response.json({ revoked: sim.revokeRefreshTokens(email, { accessTokens }) });
      }
      case "GET /_sim/requests": {
        const apiKey = url.searchParams.get("apiKey");
        const token = sim.tokenRequests();
        return Response.json(apiKey === null ? { token } : { api: sim.requests(apiKey), token });
      }
      case "DELETE /_sim/requests":
        sim.resetRequests();
        return new Response(null, { status: 204 });
    }
    return adminError(404, `Cannot route ${op}: not a simulator admin endpoint`);
  } catch (error) {
    // Bad JSON and rejected apps, users or faults are the caller's mistake: 400 with the reason.
    return adminError(400, error instanceof Error ? error.message : String(error));
  }
}

function adminError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
