import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import {
  createEnphaseSimulator,
  type EnphaseSimulator,
} from "../../../local/simulators/enphase.ts";
import { fetchWithRetry } from "../../../shared/http.ts";
import { enphase, type EnphaseSecret } from "./adapter.ts";

const NOW = new Date("2026-06-15T14:07:00Z");
const VENDOR = {
  ENPHASE_CLIENT_ID: "conf-client",
  ENPHASE_CLIENT_SECRET: "conf-client-secret",
  ENPHASE_API_KEY: "conf-api-key-123",
  ENPHASE_AUTH_URL: "http://sim.test",
};

function simulator(): EnphaseSimulator {
  const sim = createEnphaseSimulator({ now: () => NOW });
  sim.addApp({
    clientId: VENDOR.ENPHASE_CLIENT_ID,
    clientSecret: VENDOR.ENPHASE_CLIENT_SECRET,
    apiKey: VENDOR.ENPHASE_API_KEY,
    plan: "Partner",
  });
  sim.addUser({
    email: "conf@example.com",
    password: "pw",
    systems: [{ systemId: 4411, name: "Conf", timeZone: "Europe/Madrid", peakPowerKw: 7 }],
  });
  return sim;
}

/** The homeowner approves in the simulator and the code is exchanged, as the connect flow does. */
async function connect(sim: EnphaseSimulator): Promise<EnphaseSecret> {
  const redirect = "https://fetcher.test/enphase/oauth/callback";
  const url = `${enphase.connect!.authorizeUrl(VENDOR, redirect, "s")}&approve_as=conf@example.com`;
  const answer = await sim.handler(new Request(url));
  const code = new URL(answer.headers.get("location")!).searchParams.get("code")!;
  const fetchFn = ((u: string, i?: RequestInit) => sim.handler(new Request(u, i))) as typeof fetch;
  return await enphase.connect!.exchangeCode(
    (req) => fetchWithRetry(req, { fetch: fetchFn }),
    VENDOR,
    code,
    redirect,
  );
}

adapterConformance("Enphase", {
  adapter: enphase,
  async world() {
    const sim = simulator();
    const secret = await connect(sim);
    const { ctx } = await simContext(enphase, secret, {
      handler: sim.handler,
      baseUrl: "http://sim.test/api/v4",
      vendorConfig: VENDOR,
      now: NOW,
    });
    return {
      ctx,
      site: { vendorSiteId: "4411", timezone: "Europe/Madrid" },
      window: { from: new Date("2026-06-15T06:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [
        secret.accessToken,
        secret.refreshToken,
        VENDOR.ENPHASE_API_KEY,
        VENDOR.ENPHASE_CLIENT_SECRET,
      ],
      fault: (kind, count) => sim.addFault({ kind, count }),
      calls: () => sim.requests(VENDOR.ENPHASE_API_KEY).count,
    };
  },
  async rejected() {
    const sim = simulator();
    const secret = await connect(sim);
    sim.revokeRefreshTokens("conf@example.com", { accessTokens: true });
    return (await simContext(enphase, secret, {
      handler: sim.handler,
      baseUrl: "http://sim.test/api/v4",
      vendorConfig: VENDOR,
      now: NOW,
    })).ctx;
  },
});
