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
import { stackEnv, stackPorts } from "./stack_env.ts";

export interface RunningSimulator {
  name: string;
  url: string;
  server: Deno.HttpServer<Deno.NetAddr>;
}

export function startVendorSimulators(): RunningSimulator[] {
  const hostname = "127.0.0.1";
  const solaredge = serveSolarEdgeSimulator({ port: stackPorts.solaredge, hostname });
  solaredge.sim.oauth.addClient({
    clientId: stackEnv.SOLAREDGE_CLIENT_ID,
    clientSecret: stackEnv.SOLAREDGE_CLIENT_SECRET,
  });
  const enphase = serveEnphaseSimulator({ port: stackPorts.enphase, hostname });
  enphase.sim.addApp({
    clientId: stackEnv.ENPHASE_CLIENT_ID,
    clientSecret: stackEnv.ENPHASE_CLIENT_SECRET,
    apiKey: stackEnv.ENPHASE_API_KEY,
    // A Partner app: the demo and the tests make more calls than the free Watt plan allows.
    plan: "Partner",
  });
  // One SMA simulator stands for its auth, backchannel and monitoring hosts.
  const sma = serveSmaSimulator({ port: stackPorts.sma, hostname });
  sma.sim.addClient({
    clientId: stackEnv.SMA_CLIENT_ID,
    clientSecret: stackEnv.SMA_CLIENT_SECRET,
    perFiveMinutes: 10_000,
  });
  // GoodWe has no app registration: accounts (logins) are all the demo and tests add.
  const goodwe = serveGoodWeSimulator({ port: stackPorts.goodwe, hostname });
  return [
    { name: "SolarEdge simulator", url: stackEnv.SOLAREDGE_BASE_URL, server: solaredge.server },
    { name: "Enphase simulator", url: stackEnv.ENPHASE_BASE_URL, server: enphase.server },
    { name: "SMA simulator", url: stackEnv.SMA_BASE_URL, server: sma.server },
    { name: "GoodWe simulator", url: stackEnv.GOODWE_LOGIN_URL, server: goodwe.server },
  ];
}
