import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { createSolarEdgeSimulator } from "../../../local/simulators/solaredge.ts";
import { solaredge } from "./adapter.ts";

const NOW = new Date("2026-06-15T14:07:00Z");
const base = { baseUrl: "http://sim.test/v2", now: NOW };

adapterConformance("SolarEdge", {
  adapter: solaredge,
  async world() {
    const sim = createSolarEdgeSimulator({ now: () => NOW });
    sim.addAccount({
      apiKey: "conformance-key-1",
      accountKey: "conformance-account-1",
      sites: [{ siteId: 77, name: "Noon", timeZone: "Europe/Rome", peakPowerKw: 6 }],
    });
    const secret = { apiKey: "conformance-key-1", accountKey: "conformance-account-1" };
    const { ctx } = await simContext(solaredge, secret, { ...base, handler: sim.handler });
    return {
      ctx,
      site: { vendorSiteId: "77", timezone: "Europe/Rome" },
      window: { from: new Date("2026-06-15T08:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [secret.apiKey, secret.accountKey],
      fault: (kind, count) =>
        sim.addFault({ kind, count, retryAfter: kind === "429" ? 1 : undefined }),
      calls: () => sim.requests("conformance-key-1").count,
    };
  },
  async rejected() {
    const sim = createSolarEdgeSimulator({ now: () => NOW });
    return (await simContext(solaredge, { apiKey: "unknown-key" }, {
      ...base,
      handler: sim.handler,
    })).ctx;
  },
});
