/**
 * Serves the SolarEdge V2 simulator for the local stack and the demo:
 * `deno run -A local/simulators/solaredge_main.ts --port 54331 [--seed-demo]`.
 */
import { serveSolarEdgeSimulator, type SimAccount } from "./solaredge.ts";
import { simulatorPort } from "./serve.ts";

/** What `--seed-demo` adds: sites on both sides of the Atlantic, so DST and offsets show. */
export const demoAccount: SimAccount = {
  apiKey: "demo-solaredge-api-key",
  sites: [
    { siteId: 3066774, name: "Demo Berlin Rooftop", timeZone: "Europe/Berlin", peakPowerKw: 5.68 },
    { siteId: 3066775, name: "Demo Leeds Barn", timeZone: "Europe/London", peakPowerKw: 9.9 },
    { siteId: 3066776, name: "Demo Albany Depot", timeZone: "America/New_York", peakPowerKw: 48 },
  ],
};

if (import.meta.main) {
  const args = Deno.args;
  const port = simulatorPort(args, 54331, "SolarEdge");
  const { server, sim } = serveSolarEdgeSimulator({ port });
  if (args.includes("--seed-demo")) sim.addAccount(demoAccount);
  console.log(`SolarEdge simulator listening on http://127.0.0.1:${server.addr.port}/v2`);
}
