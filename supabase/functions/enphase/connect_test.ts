/**
 * The customer connect flow through the function's own routes: /enphase/oauth/start redirects to
 * the vendor with a signed state, the homeowner approves, /enphase/oauth/callback exchanges the
 * code, stores the encrypted tokens, activates the credential and discovers its systems. The
 * simulator listens on a real port because the callback calls the token endpoint over HTTP.
 */
import assert from "node:assert/strict";
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { generateKey } from "../../../shared/fernet.ts";
import { Keyring } from "../../../shared/keyring.ts";
import { createLogger } from "../../../shared/logger.ts";
import { memoryStore } from "../../../shared/testing/memory_store.ts";
import { serveEnphaseSimulator } from "../../../local/simulators/enphase.ts";
import { enphase } from "./adapter.ts";

const ORG = "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a01";
const SERVICE = "service-key-for-tests";

function setup(now = () => new Date(), stateSecret = "state-secret-for-tests") {
  const { server, sim } = serveEnphaseSimulator({ port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  sim.addApp({
    clientId: "cid",
    clientSecret: "csecret-999",
    apiKey: "apikey-777",
    plan: "Partner",
  });
  sim.addUser({
    email: "owner@example.com",
    password: "pw",
    systems: [
      { systemId: 11, name: "Roof", timeZone: "Europe/Oslo", peakPowerKw: 5 },
      { systemId: 12, name: "Barn", timeZone: "Europe/Oslo", peakPowerKw: 9 },
    ],
  });
  const encryptionKey = generateKey();
  const keyring = Keyring.parse(encryptionKey);
  const store = memoryStore([], { organizations: [ORG] });
  const logs: string[] = [];
  const config = loadConfig({
    SUPABASE_URL: "https://proj.example.test",
    SUPABASE_SERVICE_KEY: SERVICE,
    SUPABASE_DB_URL: "postgresql://unused",
    ENCRYPTION_KEY: encryptionKey,
    OAUTH_STATE_SECRET: stateSecret,
    ENPHASE_BASE_URL: `${base}/api/v4`,
    ENPHASE_AUTH_URL: base,
    ENPHASE_CLIENT_ID: "cid",
    ENPHASE_CLIENT_SECRET: "csecret-999",
    ENPHASE_API_KEY: "apikey-777",
  });
  const runtime = {
    store,
    objects: { put: () => Promise.resolve() },
    keyring,
    logger: createLogger({ write: (l) => logs.push(l) }),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const app = createFetcherApp(enphase, config, () => runtime, { now });
  return { app, sim, server, store, keyring, logs };
}

async function authorize(app: ReturnType<typeof createFetcherApp>, query: string) {
  const start = await app.request(`/enphase/oauth/start?${query}`, {
    headers: { apikey: SERVICE },
  });
  assert.equal(start.status, 302);
  const vendorUrl = new URL(start.headers.get("location")!);
  assert.equal(vendorUrl.pathname, "/oauth/authorize");
  assert.equal(
    vendorUrl.searchParams.get("redirect_uri"),
    "https://proj.example.test/functions/v1/enphase/oauth/callback",
  );
  vendorUrl.searchParams.set("approve_as", "owner@example.com");
  const approved = await fetch(vendorUrl, { redirect: "manual" });
  await approved.body?.cancel();
  return new URL(approved.headers.get("location")!);
}

Deno.test("connecting an Enphase owner stores encrypted tokens and discovers the systems", async () => {
  const { app, server, store, keyring, logs } = setup();
  try {
    const callback = await authorize(app, `organizationId=${ORG}&label=Owner`);
    const res = await app.request(`/enphase/oauth/callback${callback.search}`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text);
    assert.deepEqual(body.sites.sort(), ["11", "12"]);
    const cred = store.creds.find((c) => c.id === body.credentialId)!;
    assert.equal(cred.status, "active");
    assert.equal(cred.organization_id, ORG);
    assert.equal(cred.label, "Owner");
    const doc = JSON.parse(await keyring.decrypt(cred.secret));
    assert.ok(doc.accessToken && doc.refreshToken);
    for (const token of [doc.accessToken, doc.refreshToken]) {
      assert.ok(
        !text.includes(token) && !logs.join("\n").includes(token) && !cred.secret.includes(token),
      );
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("re-authorising a credential replaces its tokens in place", async () => {
  const { app, server, store } = setup();
  try {
    const first = await authorize(app, `organizationId=${ORG}`);
    const { credentialId } = await (await app.request(`/enphase/oauth/callback${first.search}`))
      .json();
    store.creds[0].status = "needs_reauth";
    const again = await authorize(app, `credentialId=${credentialId}`);
    const res = await app.request(`/enphase/oauth/callback${again.search}`);
    assert.equal(res.status, 200);
    assert.equal(store.creds.length, 1);
    assert.equal(store.creds[0].status, "active");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a tampered or expired state is refused and stores nothing", async () => {
  let now = new Date();
  const { app, server, store } = setup(() => now);
  try {
    const callback = await authorize(app, `organizationId=${ORG}`);
    const tampered = new URL(callback);
    // Change the MAC's first character: its last one partly encodes padding bits.
    const [body, mac] = callback.searchParams.get("state")!.split(".");
    tampered.searchParams.set("state", `${body}.${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`);
    const bad = await app.request(`/enphase/oauth/callback${tampered.search}`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /state is invalid/);
    now = new Date(now.getTime() + 11 * 60_000);
    const late = await app.request(`/enphase/oauth/callback${callback.search}`);
    assert.equal(late.status, 400);
    assert.match((await late.json()).error, /state has expired/);
    assert.equal(store.creds.length, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("the start of an authorisation needs the service key and a valid organisation", async () => {
  const { app, server } = setup();
  try {
    assert.equal((await app.request(`/enphase/oauth/start?organizationId=${ORG}`)).status, 401);
    const res = await app.request("/enphase/oauth/start?organizationId=acme", {
      headers: { apikey: SERVICE },
    });
    assert.equal(res.status, 400);
    assert.equal(
      (await res.json()).error,
      "Cannot start the authorisation: organizationId must be a uuid",
    );
    // An organisation that does not exist: refused before the owner is sent to Enphase, so no
    // consent is given for tokens that could not be stored.
    const ghost = "d0000000-0000-4000-8000-00000000dead";
    const nobody = await app.request(`/enphase/oauth/start?organizationId=${ghost}`, {
      headers: { apikey: SERVICE },
    });
    assert.equal(nobody.status, 404);
    assert.equal(
      (await nobody.json()).error,
      `Cannot start the authorisation: no organisation ${ghost}`,
    );
    const huge = await app.request(
      `/enphase/oauth/start?organizationId=${ORG}&label=${"x".repeat(10_000)}`,
      { headers: { apikey: SERVICE } },
    );
    assert.equal(huge.status, 400);
    assert.match((await huge.json()).error, /label must be at most 200 characters/);
    const denied = await app.request("/enphase/oauth/callback?error=access_denied&state=x");
    assert.equal(denied.status, 400);
    assert.match((await denied.json()).error, /access_denied/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a callback whose credential cannot be stored answers 503 with what to do, never a 500", async () => {
  const { app, server, store } = setup();
  try {
    const callback = await authorize(app, `organizationId=${ORG}`);
    store.saveConnected = () => Promise.reject(new Error("connection terminated"));
    const res = await app.request(`/enphase/oauth/callback${callback.search}`);
    assert.equal(res.status, 503);
    assert.equal(
      (await res.json()).error,
      "Cannot complete the authorisation: the credential could not be stored (connection terminated); start the authorisation again",
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("without its own state secret the connect flow answers 501 and sends no one to Enphase", async () => {
  const { app, server } = setup(undefined, "");
  try {
    const res = await app.request(`/enphase/oauth/start?organizationId=${ORG}`, {
      headers: { apikey: SERVICE },
    });
    assert.equal(res.status, 501);
    assert.equal(
      (await res.json()).error,
      "Cannot start the authorisation: set OAUTH_STATE_SECRET, the key that signs the authorisation's state (a secret of its own, not ENCRYPTION_KEY)",
    );
  } finally {
    await server.shutdown();
  }
});
