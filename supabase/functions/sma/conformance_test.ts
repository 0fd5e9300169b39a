import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { sma } from "./adapter.ts";
import { BASE, OWNER, setupSma, VENDOR } from "./testing.ts";

const NOW = "2026-06-15T14:07:00Z";

adapterConformance("SMA", {
  adapter: sma,
  async world() {
    const { sim, connect } = setupSma({ now: NOW });
    const secret = await connect();
    const { ctx } = await simContext(sma, secret, {
      handler: sim.handler,
      baseUrl: BASE,
      vendorConfig: VENDOR,
      now: new Date(NOW),
    });
    return {
      ctx,
      site: { vendorSiteId: OWNER.plants[0].plantId, timezone: "Europe/Berlin" },
      window: { from: new Date("2026-06-15T08:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [secret.accessToken, secret.refreshToken!, VENDOR.SMA_CLIENT_SECRET],
      fault: (kind, count) => sim.addFault({ kind, count }),
      calls: () => sim.requests().count,
    };
  },
  async rejected() {
    const { sim, connect } = setupSma({ now: NOW });
    const secret = await connect();
    sim.revokeOwner(OWNER.email);
    // An expired access token makes the core renew, which the revoked grant refuses.
    const expired = { ...secret, expiresAt: new Date(0).toISOString() };
    return (await simContext(sma, expired, {
      handler: sim.handler,
      baseUrl: BASE,
      vendorConfig: VENDOR,
      now: new Date(NOW),
    })).ctx;
  },
});
