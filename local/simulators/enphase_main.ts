/**
 * Serves the Enphase v4 simulator for the local stack and the demo:
 * `deno run -A local/simulators/enphase_main.ts --port 54332 [--seed-demo]`.
 */
import { serveEnphaseSimulator, type SimApp, type SimUser } from "./enphase.ts";

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
  const portArg = args.find((a) => a.startsWith("--port="))?.slice("--port=".length) ??
    (args.includes("--port") ? args[args.indexOf("--port") + 1] : "54332");
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Cannot start the Enphase simulator: --port must be 0-65535, got ${portArg}`);
    Deno.exit(2);
  }
  const { server, sim } = serveEnphaseSimulator({ port });
  if (args.includes("--seed-demo")) {
    sim.addApp(demoApp);
    sim.addUser(demoUser);
  }
  console.log(`Enphase simulator listening on http://127.0.0.1:${server.addr.port}/api/v4`);
}
