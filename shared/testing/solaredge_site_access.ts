/**
 * Test set-up for SolarEdge Site Access against the simulator, in-process: the simulator's handler
 * is injected as `fetch` (every request recorded), its clock is the test's, and credentials open
 * the way the core opens them, over an in-memory store, so renewals take the row lock and commit.
 */
import { createSolarEdgeSimulator, type SimSite } from "../../local/simulators/solaredge.ts";
import { manualClock } from "../../local/simulators/sim_testing.ts";
import { openCredential } from "../credential_context.ts";
import { generateKey } from "../fernet.ts";
import { fetchWithRetry, type HttpOptions } from "../http.ts";
import { Keyring } from "../keyring.ts";
import { createLogger } from "../logger.ts";
import { memoryStore } from "./memory_store.ts";
import type { TokenCall, VendorConfig } from "../types.ts";
import { solaredge } from "../../supabase/functions/solaredge/adapter.ts";
import type { SolarEdgeOAuthSecret } from "../../supabase/functions/solaredge/secret.ts";

export const BASE = "http://sim.test/v2";
export const REDIRECT = "https://fetcher.test/functions/v1/solaredge/oauth/callback";
export const CLIENT = { clientId: "se-app", clientSecret: "se-app-secret-123" };
export const VENDOR: VendorConfig = {
  SOLAREDGE_CLIENT_ID: CLIENT.clientId,
  SOLAREDGE_CLIENT_SECRET: CLIENT.clientSecret,
  SOLAREDGE_AUTHORIZE_URL: "http://sim.test/authorize",
  SOLAREDGE_TOKEN_URL: "http://sim.test/v2/oauth2/token",
};
export const HOME: SimSite = {
  siteId: 4100001,
  name: "Porto home",
  timeZone: "Europe/Lisbon",
  peakPowerKw: 4.2,
};
export const OWNER = "home@example.com";

export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

export function setupSiteAccess() {
  // Real time: token expiries are stamped from the system clock, as in production.
  const clock = manualClock(new Date().toISOString());
  const sim = createSolarEdgeSimulator({ now: clock.now });
  sim.oauth.addClient(CLIENT);
  sim.oauth.addOwner({ email: OWNER, sites: [HOME] });
  sim.addAccount({
    apiKey: "fleet-key",
    sites: [{ siteId: 4200001, name: "Depot", timeZone: "Europe/Berlin", peakPowerKw: 30 }],
  });
  const sent: Sent[] = [];
  const http: HttpOptions = {
    fetch: (async (input: string, init?: RequestInit) => {
      const req = new Request(input, init);
      sent.push({
        url: input,
        method: req.method,
        headers: req.headers,
        body: typeof init?.body === "string" ? init.body : undefined,
      });
      return await sim.handler(req);
    }) as typeof fetch,
    sleep: () => Promise.resolve(),
    random: () => 0,
  };
  const call: TokenCall = (req) => fetchWithRetry(req, http);
  /** The homeowner approves at the simulated SolarEdge; the callback's query is returned. */
  const approve = async (vendor = VENDOR) => {
    const url = solaredge.connect!.authorizeUrl(vendor, REDIRECT, "state-1");
    const res = await sim.handler(new Request(`${url}&approve_as=${OWNER}`));
    return Object.fromEntries(new URL(res.headers.get("location")!).searchParams);
  };
  const connect = async (vendor = VENDOR): Promise<SolarEdgeOAuthSecret> => {
    const callback = await approve(vendor);
    const secret = await solaredge.connect!.exchangeCode(
      call,
      vendor,
      callback.code,
      REDIRECT,
      callback,
    );
    return secret as SolarEdgeOAuthSecret;
  };
  /** A stored credential holding `document`, opened as the core opens it. */
  const open = async (document: unknown, vendor = VENDOR) => {
    const keyring = Keyring.parse(generateKey());
    const store = memoryStore([{
      id: "cred-1",
      organization_id: "org-1",
      source: "solaredge",
      label: "Home",
      secret: await keyring.encrypt(JSON.stringify(document)),
      status: "active",
    }]);
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    const ctx = await openCredential(solaredge, store.creds[0], {
      baseUrl: BASE,
      vendorConfig: vendor,
      keyring,
      store,
      logger,
      now: clock.now,
      http,
      countCall: () => {},
    });
    const stored = async () => JSON.parse(await keyring.decrypt(store.creds[0].secret));
    return { ctx, store, stored, lines };
  };
  return { sim, sent, call, approve, connect, open, clock };
}
