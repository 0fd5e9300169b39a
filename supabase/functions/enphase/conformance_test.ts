import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { enphase } from "./adapter.ts";
import { connectedEnphase } from "../../../shared/testing/enphase_connected.ts";

const NOW = new Date("2026-06-15T14:07:00Z");

async function world(prefix: string) {
  const connected = await connectedEnphase({
    prefix,
    now: () => NOW,
    systems: [{ systemId: 4411, name: "Conf", timeZone: "Europe/Madrid", peakPowerKw: 7 }],
  });
  const { ctx } = await simContext(enphase, connected.secret, {
    handler: connected.sim.handler,
    baseUrl: "http://sim.test/api/v4",
    vendorConfig: connected.vendor,
    now: NOW,
  });
  return { ...connected, ctx };
}

adapterConformance("Enphase", {
  adapter: enphase,
  async world() {
    const { ctx, sim, secret, vendor } = await world("conf");
    return {
      ctx,
      site: { vendorSiteId: "4411", timezone: "Europe/Madrid" },
      window: { from: new Date("2026-06-15T06:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [
        secret.accessToken,
        secret.refreshToken,
        vendor.ENPHASE_API_KEY,
        vendor.ENPHASE_CLIENT_SECRET,
      ],
      fault: (kind, count) => sim.addFault({ kind, count }),
      calls: () => sim.requests(vendor.ENPHASE_API_KEY).count,
    };
  },
  async rejected() {
    const { ctx, sim } = await world("conf-revoked");
    // The owner revokes the app: the access token stops working and the refresh is refused.
    sim.revokeRefreshTokens("conf-revoked@example.com", { accessTokens: true });
    return ctx;
  },
});
