/**
 * Test set-up shared by the core-path Enphase tests (conformance, mid-run expiry, quota): an
 * in-process simulator with one Partner app and one homeowner who has approved the app, and the
 * token document the connect flow would have stored.
 */
import {
  createEnphaseSimulator,
  type EnphaseSimulator,
  type SimSystem,
} from "../../local/simulators/enphase.ts";
import { fetchWithRetry } from "../http.ts";
import { enphase, type EnphaseSecret } from "../../supabase/functions/enphase/adapter.ts";

export interface ConnectedEnphase {
  sim: EnphaseSimulator;
  secret: EnphaseSecret;
  vendor: Record<string, string>;
}

export async function connectedEnphase(options: {
  prefix: string;
  systems: SimSystem[];
  now: () => Date;
}): Promise<ConnectedEnphase> {
  const vendor = {
    ENPHASE_CLIENT_ID: `${options.prefix}-client`,
    ENPHASE_CLIENT_SECRET: `${options.prefix}-client-secret`,
    ENPHASE_API_KEY: `${options.prefix}-api-key-123`,
    ENPHASE_AUTH_URL: "http://sim.test",
  };
  const email = `${options.prefix}@example.com`;
  const sim = createEnphaseSimulator({ now: options.now });
  sim.addApp({
    clientId: vendor.ENPHASE_CLIENT_ID,
    clientSecret: vendor.ENPHASE_CLIENT_SECRET,
    apiKey: vendor.ENPHASE_API_KEY,
    plan: "Partner",
  });
  sim.addUser({ email, password: "pw", systems: options.systems });
  const fetchFn = ((u: string, i?: RequestInit) => sim.handler(new Request(u, i))) as typeof fetch;
  const redirect = "https://fetcher.test/enphase/oauth/callback";
  const approved = await sim.handler(
    new Request(`${enphase.connect!.authorizeUrl(vendor, redirect, "s")}&approve_as=${email}`),
  );
  const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
  const call = (r: Parameters<typeof fetchWithRetry>[0]) => fetchWithRetry(r, { fetch: fetchFn });
  const secret = await enphase.connect!.exchangeCode(call, vendor, code, redirect);
  return { sim, secret, vendor };
}
