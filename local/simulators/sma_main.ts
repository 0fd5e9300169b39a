/**
 * Serves the SMA simulator for the local stack and the demo:
 * `deno run -A local/simulators/sma_main.ts --port 54333 [--seed-demo]`. The one port stands for
 * SMA's auth, backchannel and monitoring hosts (SMA_AUTH_URL, SMA_BC_URL and the base URL).
 */
import { serveSmaSimulator, type SmaSimClient, type SmaSimOwner } from "./sma.ts";
import { simulatorPort } from "./serve.ts";

/** What `--seed-demo` adds: an app client and an owner with plants on both sides of the Atlantic. */
export const demoClient: SmaSimClient = {
  clientId: "demo-sma-client",
  clientSecret: "demo-sma-client-secret",
};

export const demoOwner: SmaSimOwner = {
  email: "apiTestUser@apiSandbox.com",
  password: "MyPass123!",
  plants: [
    {
      plantId: "7190001",
      name: "Demo Kassel Warehouse",
      timeZone: "Europe/Berlin",
      devices: [
        { deviceId: "7190101", name: "STP 1", generatorPowerW: 25000, peakPowerKw: 28 },
        { deviceId: "7190102", name: "STP 2", generatorPowerW: 25000, peakPowerKw: 27 },
      ],
    },
    {
      plantId: "11260001",
      name: "Demo Springfield Barn",
      timeZone: "America/New_York",
      devices: [{ deviceId: "11260101", name: "SB 1", generatorPowerW: 6000, peakPowerKw: 6.6 }],
    },
  ],
};

if (import.meta.main) {
  const args = Deno.args;
  const port = simulatorPort(args, 54333, "SMA");
  const { server, sim } = serveSmaSimulator({ port });
  if (args.includes("--seed-demo")) {
    sim.addClient(demoClient);
    sim.addOwner(demoOwner);
  }
  console.log(`SMA simulator listening on http://127.0.0.1:${server.addr.port} (auth, bc, /v1)`);
}
