/**
 * The shared adapter conformance suite for a SolarEdge Site Access credential: the homeowner's
 * bearer token against the simulator, through the core's token manager (simContext).
 */
import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { createSolarEdgeSimulator } from "../../../local/simulators/solaredge.ts";
import { solaredge } from "./adapter.ts";
import type { SolarEdgeOAuthSecret } from "./secret.ts";
import { CLIENT, REDIRECT, VENDOR } from "../../../shared/testing/solaredge_site_access.ts";

const NOW = new Date("2026-06-15T14:07:00Z");
const SITE = { siteId: 78, name: "Noon", timeZone: "Europe/Rome", peakPowerKw: 6 };
const OWNER = "conformance-home@example.com";

/** A simulator with the app and a homeowner, and the homeowner's freshly connected grant. */
async function connected() {
  const sim = createSolarEdgeSimulator({ now: () => NOW });
  sim.oauth.addClient(CLIENT);
  sim.oauth.addOwner({ email: OWNER, sites: [SITE] });
  const call = async (
    req: { url: string; method?: string; headers?: HeadersInit; body?: string },
  ) => {
    const res = await sim.handler(new Request(req.url, req));
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const url = solaredge.connect!.authorizeUrl(VENDOR, REDIRECT, "state-1");
  const approved = await sim.handler(new Request(`${url}&approve_as=${OWNER}`));
  const callback = Object.fromEntries(new URL(approved.headers.get("location")!).searchParams);
  const secret = await solaredge.connect!.exchangeCode(
    call,
    VENDOR,
    callback.code,
    REDIRECT,
    callback,
  );
  const { ctx } = await simContext(solaredge, secret, {
    baseUrl: "http://sim.test/v2",
    now: NOW,
    handler: sim.handler,
    vendorConfig: VENDOR,
  });
  return { sim, ctx, secret: secret as SolarEdgeOAuthSecret };
}

adapterConformance("SolarEdge Site Access", {
  adapter: solaredge,
  async world() {
    const { sim, ctx, secret } = await connected();
    return {
      ctx,
      site: { vendorSiteId: String(SITE.siteId), timezone: SITE.timeZone },
      window: { from: new Date("2026-06-15T08:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [secret.accessToken, secret.refreshToken, CLIENT.clientSecret],
      fault: (kind, count) =>
        sim.addFault({ kind, count, retryAfter: kind === "429" ? 1 : undefined }),
      calls: () => sim.oauth.bearerRequests(SITE.siteId).length,
    };
  },
  async rejected() {
    // The homeowner withdrew the app's access: the token and the refresh token are both dead.
    const { sim, ctx } = await connected();
    sim.oauth.revokeSite(SITE.siteId);
    return ctx;
  },
});
