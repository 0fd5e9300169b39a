/**
 * The Site Access connect flow through the function's own routes, in-process against the
 * simulator on a real port: /solaredge/oauth/start sends the homeowner to SolarEdge with a signed
 * state, the callback's `site_id` names the granted site, the tokens are stored encrypted and the
 * site is discovered through `GET /sites/{id}`. A deployment without the OAuth app still boots and
 * the connect routes say what is missing.
 */
import assert from "node:assert/strict";
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { generateKey } from "../../../shared/fernet.ts";
import { Keyring } from "../../../shared/keyring.ts";
import { createLogger } from "../../../shared/logger.ts";
import { memoryStore } from "../../../shared/testing/memory_store.ts";
import { serveSolarEdgeSimulator } from "../../../local/simulators/solaredge.ts";
import { solaredge } from "./adapter.ts";
import { CLIENT, HOME, OWNER } from "../../../shared/testing/solaredge_site_access.ts";

const ORG = "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a02";
const SERVICE = "service-key-for-tests";

function setup(options: { oauthApp?: boolean } = {}) {
  const { server, sim } = serveSolarEdgeSimulator({ port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  sim.oauth.addClient(CLIENT);
  sim.oauth.addOwner({ email: OWNER, sites: [HOME] });
  const encryptionKey = generateKey();
  const keyring = Keyring.parse(encryptionKey);
  const store = memoryStore([], { organizations: [ORG] });
  const logs: string[] = [];
  const app = options.oauthApp === false ? {} : {
    SOLAREDGE_CLIENT_ID: CLIENT.clientId,
    SOLAREDGE_CLIENT_SECRET: CLIENT.clientSecret,
    SOLAREDGE_AUTHORIZE_URL: `${base}/authorize`,
    SOLAREDGE_TOKEN_URL: `${base}/v2/oauth2/token`,
  };
  // What index.ts does: no vendor variable is required at boot.
  const config = loadConfig({
    SUPABASE_URL: "https://proj.example.test",
    SUPABASE_SERVICE_KEY: SERVICE,
    SUPABASE_DB_URL: "postgresql://unused",
    ENCRYPTION_KEY: encryptionKey,
    OAUTH_STATE_SECRET: "state-secret-for-tests",
    SOLAREDGE_BASE_URL: `${base}/v2`,
    ...app,
  });
  const runtime = {
    store,
    objects: { put: () => Promise.resolve() },
    keyring,
    logger: createLogger({ write: (l) => logs.push(l) }),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const fetcher = createFetcherApp(solaredge, config, () => runtime);
  return { app: fetcher, sim, server, store, keyring, logs };
}

async function approve(app: ReturnType<typeof createFetcherApp>, query: string) {
  const start = await app.request(`/solaredge/oauth/start?${query}`, {
    headers: { apikey: SERVICE },
  });
  assert.equal(start.status, 302, await start.clone().text());
  const vendorUrl = new URL(start.headers.get("location")!);
  assert.equal(vendorUrl.pathname, "/authorize");
  assert.equal(vendorUrl.searchParams.get("scope"), "SITE_DATA");
  assert.equal(vendorUrl.searchParams.get("access_duration"), "24");
  assert.equal(
    vendorUrl.searchParams.get("redirect_uri"),
    "https://proj.example.test/functions/v1/solaredge/oauth/callback",
  );
  vendorUrl.searchParams.set("approve_as", OWNER);
  const approved = await fetch(vendorUrl, { redirect: "manual" });
  await approved.body?.cancel();
  return new URL(approved.headers.get("location")!);
}

Deno.test("connecting a SolarEdge homeowner stores the grant for its site and discovers it", async () => {
  const { app, server, store, keyring, logs, sim } = setup();
  try {
    const callback = await approve(app, `organizationId=${ORG}&label=Home`);
    assert.equal(callback.searchParams.get("site_id"), String(HOME.siteId));
    const res = await app.request(`/solaredge/oauth/callback${callback.search}`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text);
    assert.deepEqual(body.sites, [String(HOME.siteId)]);
    assert.equal(body.discoveryError, undefined);
    const cred = store.creds.find((c) => c.id === body.credentialId)!;
    assert.equal(cred.status, "active");
    assert.equal(cred.label, "Home");
    const doc = JSON.parse(await keyring.decrypt(cred.secret));
    assert.equal(doc.kind, "oauth");
    assert.equal(doc.siteId, String(HOME.siteId));
    const [site] = store.sites;
    assert.equal(site.name, HOME.name);
    assert.equal(site.timezone, HOME.timeZone);
    // The site came from GET /sites/{id} with the bearer, never from /sites.
    assert.deepEqual(sim.oauth.bearerRequests(HOME.siteId), [`/v2/sites/${HOME.siteId}`]);
    for (const token of [doc.accessToken, doc.refreshToken]) {
      assert.ok(!text.includes(token) && !logs.join("\n").includes(token));
    }
    const replay = await app.request(`/solaredge/oauth/callback${callback.search}`);
    assert.equal(replay.status, 400);
    assert.match((await replay.json()).error, /invalid_grant/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a callback without site_id or state stores nothing and says why", async () => {
  const { app, server, store, sim } = setup();
  try {
    const callback = await approve(app, `organizationId=${ORG}`);
    const noSite = new URL(callback);
    noSite.searchParams.delete("site_id");
    const res = await app.request(`/solaredge/oauth/callback${noSite.search}`);
    assert.equal(res.status, 400);
    assert.equal(
      (await res.json()).error,
      "Cannot complete the SolarEdge authorisation: the callback has no site_id",
    );
    const noState = new URL(callback);
    noState.searchParams.delete("state");
    const stateless = await app.request(`/solaredge/oauth/callback${noState.search}`);
    assert.equal(stateless.status, 400);
    assert.match((await stateless.json()).error, /state is missing; the vendor did not send back/);
    assert.equal(store.creds.length, 0);
    // Neither refusal spent the code.
    assert.deepEqual(sim.oauth.tokenRequests().grants, []);
  } finally {
    await server.shutdown();
  }
});

Deno.test("without the OAuth app the function boots, and the connect routes name what is missing", async () => {
  const { app, server } = setup({ oauthApp: false });
  try {
    const health = await app.request("/solaredge/health");
    assert.equal(health.status, 200);
    const start = await app.request(`/solaredge/oauth/start?organizationId=${ORG}`, {
      headers: { apikey: SERVICE },
    });
    assert.equal(start.status, 501);
    assert.equal(
      (await start.json()).error,
      "Cannot start the authorisation: this deployment has no solaredge OAuth app; set " +
        "SOLAREDGE_CLIENT_ID and SOLAREDGE_CLIENT_SECRET",
    );
    const callback = await app.request("/solaredge/oauth/callback?code=c&state=s&site_id=1");
    assert.equal(callback.status, 501);
    // The start still needs the service key before it says anything about the configuration.
    assert.equal((await app.request(`/solaredge/oauth/start?organizationId=${ORG}`)).status, 401);
  } finally {
    await server.shutdown();
  }
});
