/**
 * `/_sim`: the SMA simulator's own unauthenticated admin API, so tests and the demo in another
 * process can add clients and owners, switch faults on, shorten token lifetimes, revoke an owner
 * and read the request log over HTTP. Not an SMA API.
 */
import type { SmaFault, SmaSimClient, SmaSimOwner, SmaSimulator } from "./sma.ts";

export async function adminResponse(
  sim: SmaSimulator,
  req: Request,
  url: URL,
): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  const op = `${req.method} ${path}`;
  try {
    switch (op) {
      case "GET /_sim/health":
        return Response.json({ ok: true });
      case "POST /_sim/clients": {
        const client = await req.json() as SmaSimClient;
        sim.addClient(client);
        return Response.json({ clientId: client.clientId }, { status: 201 });
      }
      case "POST /_sim/owners": {
        const owner = await req.json() as SmaSimOwner;
        sim.addOwner(owner);
        return Response.json({ email: owner.email, plants: owner.plants.length }, { status: 201 });
      }
      case "POST /_sim/faults":
        sim.addFault(await req.json() as SmaFault);
        return new Response(null, { status: 201 });
      case "DELETE /_sim/faults":
        sim.clearFaults();
        return new Response(null, { status: 204 });
      case "PUT /_sim/token-lifetime":
        sim.setAccessTokenLifetime((await req.json())?.seconds);
        return new Response(null, { status: 204 });
      case "POST /_sim/revoke": {
        const email = (await req.json())?.email;
        return sim.revokeOwner(email)
          ? new Response(null, { status: 204 })
          : adminError(404, `Cannot revoke owner: no owner has e-mail ${email}`);
      }
      case "GET /_sim/requests":
        return Response.json(sim.requests(url.searchParams.get("clientId") ?? undefined));
      case "DELETE /_sim/requests":
        sim.resetRequests();
        return new Response(null, { status: 204 });
      case "GET /_sim/token-requests":
        return Response.json({
          count: sim.tokenRequests(url.searchParams.get("grantType") ?? undefined),
        });
    }
    return adminError(404, `Cannot route ${op}: not a simulator admin endpoint`);
  } catch (error) {
    // Bad JSON and rejected input are the caller's mistake, so 400 with the reason.
    return adminError(400, error instanceof Error ? error.message : String(error));
  }
}

function adminError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
