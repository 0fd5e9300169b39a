/**
 * Serves the Enphase v4 simulator for the local stack and the demo:
 * `deno run -A local/simulators/enphase_main.ts --port 54332 [--seed-demo]`.
 */
import { serveEnphaseSimulator, type SimApp, type SimUser } from "./enphase.ts";
import { simulatorPort } from "./serve.ts";

/** What `--seed-demo` adds: one Watt-plan app, as a free Enphase developer account has. */
export const demoApp: SimApp = {
  clientId: "demo-enphase-client-id",
  clientSecret: "demo-enphase-client-secret",
  apiKey: "demo-enphase-api-key",
  plan: "Watt",
};

/** A homeowner with systems on three continents, so zones and DST show. */
export const demoUser: SimUser = {
  email: "homeowner@example.com",
  password: "demo-password",
  systems: [
    { systemId: 2875, name: "Demo Maryland Home", timeZone: "America/New_York", peakPowerKw: 6.4 },
    { systemId: 5254, name: "Demo Sydney Villa", timeZone: "Australia/Sydney", peakPowerKw: 8 },
    { systemId: 7301, name: "Demo Lyon Farm", timeZone: "Europe/Paris", peakPowerKw: 12 },
  ],
};

if (import.meta.main) {
  const args = Deno.args;
  const port = simulatorPort(args, 54332, "Enphase");
  const { server, sim } = serveEnphaseSimulator({ port });
  if (args.includes("--seed-demo")) {
    sim.addApp(demoApp);
    sim.addUser(demoUser);
  }
  console.log(`Enphase simulator listening on http://127.0.0.1:${server.addr.port}/api/v4`);
}
