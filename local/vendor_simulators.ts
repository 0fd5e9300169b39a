/**
 * Starts every vendor simulator of the local stack on its port and registers the vendor-side
 * configuration that a real vendor would hold for this deployment: the Enphase developer app and
 * the SolarEdge Site Access app, the SMA API client whose ids and secrets are in stackEnv. Customers' accounts are added by the demo and the
 * tests through each simulator's `/_sim` API.
 */
import { serveEnphaseSimulator } from "./simulators/enphase.ts";
import { serveGoodWeSimulator } from "./simulators/goodwe.ts";
import { serveSmaSimulator } from "./simulators/sma.ts";
import { serveSolarEdgeSimulator } from "./simulators/solaredge.ts";
import { type Source, SOURCES, VENDORS } from "../shared/vendors.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";

export interface RunningSimulator {
  name: string;
  url: string;
  server: Deno.HttpServer<Deno.NetAddr>;
}

/** How each vendor's simulator starts, with what a real vendor would hold for this deployment. */
const starters: Record<Source, (port: number, hostname: string) => Deno.HttpServer<Deno.NetAddr>> =
  {
    solaredge(port, hostname) {
      const solaredge = serveSolarEdgeSimulator({ port, hostname });
      solaredge.sim.oauth.addClient({
        clientId: stackEnv.SOLAREDGE_CLIENT_ID,
        clientSecret: stackEnv.SOLAREDGE_CLIENT_SECRET,
      });
      return solaredge.server;
    },
    enphase(port, hostname) {
      const enphase = serveEnphaseSimulator({ port, hostname });
      enphase.sim.addApp({
        clientId: stackEnv.ENPHASE_CLIENT_ID,
        clientSecret: stackEnv.ENPHASE_CLIENT_SECRET,
        apiKey: stackEnv.ENPHASE_API_KEY,
        // A Partner app: the demo and the tests make more calls than the free Watt plan allows.
        plan: "Partner",
      });
      return enphase.server;
    },
    sma(port, hostname) {
      // One SMA simulator stands for its auth, backchannel and monitoring hosts.
      const sma = serveSmaSimulator({ port, hostname });
      sma.sim.addClient({
        clientId: stackEnv.SMA_CLIENT_ID,
        clientSecret: stackEnv.SMA_CLIENT_SECRET,
        perFiveMinutes: 10_000,
      });
      return sma.server;
    },
    // GoodWe has no app registration: accounts (logins) are all the demo and tests add.
    goodwe: (port, hostname) => serveGoodWeSimulator({ port, hostname }).server,
  };

export function startVendorSimulators(): RunningSimulator[] {
  const hostname = "127.0.0.1";
  return SOURCES.map((source) => ({
    name: `${VENDORS[source].name} simulator`,
    url: stackEnv[VENDORS[source].baseUrlEnv as keyof typeof stackEnv] as string,
    server: starters[source](stackPorts[source], hostname),
  }));
}
