/**
 * SMA's backchannel consent through the function's routes: the operator asks, SMA e-mails the
 * owner (the simulator's sandbox switch plays the answer), polling activates the credential and
 * discovers the plants; a rejection leaves it needing re-authorisation.
 */
import assert from "node:assert/strict";
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { generateKey } from "../../../shared/fernet.ts";
import { Keyring } from "../../../shared/keyring.ts";
import { createLogger } from "../../../shared/logger.ts";
import { memoryStore } from "../../../shared/testing/memory_store.ts";
import { serveSmaSimulator } from "../../../local/simulators/sma.ts";
import { sma } from "./adapter.ts";
import { mountBackchannelRoutes } from "./backchannel_routes.ts";
import { OWNER } from "../../../shared/testing/sma_sim.ts";

const ORG = "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a01";
const SERVICE = "service-key-for-tests";

function setup() {
  const { server, sim } = serveSmaSimulator({ port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  sim.addClient({ clientId: "bc-client", clientSecret: "bc-client-secret" });
  sim.addOwner(OWNER);
  const key = generateKey();
  const config = loadConfig({
    SUPABASE_URL: "https://proj.example.test",
    SUPABASE_SERVICE_KEY: SERVICE,
    SUPABASE_DB_URL: "postgresql://unused",
    ENCRYPTION_KEY: key,
    SMA_BASE_URL: base,
    SMA_AUTH_URL: base,
    SMA_BC_URL: base,
    SMA_CLIENT_ID: "bc-client",
    SMA_CLIENT_SECRET: "bc-client-secret",
  });
  const store = memoryStore([], { organizations: [ORG] });
  const runtime = () => ({
    store,
    objects: { put: () => Promise.resolve() },
    keyring: Keyring.parse(key),
    logger: createLogger({ write: () => {} }),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
  const app = createFetcherApp(sma, config, runtime, {
    routes: (app) => mountBackchannelRoutes(app, config, runtime),
  });
  // The sandbox switch that plays the owner's answer takes the app's own client token.
  const answer = async (state: string) => {
    const token = await fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=bc-client&client_secret=bc-client-secret",
    }).then((r) => r.json());
    const res = await fetch(
      `${base}/oauth2/v2/bc-authorize/${encodeURIComponent(OWNER.email)}/status`,
      {
        method: "PUT",
        headers: {
          authorization: `Bearer ${token.access_token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ state }),
      },
    );
    assert.equal(res.status, 200, await res.text());
  };
  return { app, server, store, answer, sim };
}

const ask = (app: ReturnType<typeof setup>["app"], body: unknown) =>
  app.request("/sma/oauth/backchannel", {
    method: "POST",
    headers: { apikey: SERVICE, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

Deno.test("SMA consent with Accepted: pending until the owner accepts, then active with plants", async () => {
  const { app, server, store, answer } = setup();
  try {
    const res = await ask(app, { organizationId: ORG, email: OWNER.email });
    assert.equal(res.status, 202);
    const { credentialId } = await res.json();
    assert.equal(store.creds[0].status, "pending");
    const poll = () =>
      app.request(`/sma/oauth/backchannel/${credentialId}`, { headers: { apikey: SERVICE } });
    assert.equal((await (await poll()).json()).state, "pending");
    // SMA's spelling (vendors.md Corrections): capitalised.
    await answer("Accepted");
    const done = await (await poll()).json();
    assert.equal(done.state, "accepted");
    assert.deepEqual(done.sites.sort(), OWNER.plants.map((p) => p.plantId).sort());
    assert.equal(store.creds[0].status, "active");
  } finally {
    await server.shutdown();
  }
});

Deno.test("backchannel consent: Rejected, Expired, Revoked mark the credential and never activate", async () => {
  const reasons: Record<string, RegExp> = {
    Rejected: /^The plant owner rejected the consent request/,
    Expired: /^The plant owner did not answer SMA's consent e-mail in time/,
    Revoked: /^The plant owner revoked this app's access/,
  };
  for (const [state, reason] of Object.entries(reasons)) {
    const { app, server, store, answer } = setup();
    try {
      const { credentialId } = await (await ask(app, { organizationId: ORG, email: OWNER.email }))
        .json();
      await answer(state);
      const res = await app.request(`/sma/oauth/backchannel/${credentialId}`, {
        headers: { apikey: SERVICE },
      });
      const body = await res.json();
      assert.equal(body.state, state.toLowerCase());
      assert.match(body.error, reason);
      assert.equal(body.sites, undefined);
      assert.equal(store.creds[0].status, "needs_reauth", state);
      assert.match(store.credentialStatus.get(credentialId)?.reason ?? "", reason);
      assert.equal(store.sites.length, 0);
    } finally {
      await server.shutdown();
    }
  }
});

Deno.test("backchannel consent: a bad request is named", async () => {
  const { app, server, store } = setup();
  try {
    const bad = await ask(app, { organizationId: ORG, email: "not-an-address" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /email must be/);
    const anonymous = await app.request("/sma/oauth/backchannel", { method: "POST", body: "{}" });
    assert.equal(anonymous.status, 401);
    const post = (body: string) =>
      app.request("/sma/oauth/backchannel", {
        method: "POST",
        headers: { apikey: SERVICE, "content-type": "application/json" },
        body,
      });
    const nul = await post("null");
    assert.equal(nul.status, 400);
    assert.equal(
      (await nul.json()).error,
      "Cannot request consent: the request body must be a JSON object",
    );
    const extra = await ask(app, { organizationId: ORG, email: OWNER.email, admin: true });
    assert.equal(extra.status, 400);
    assert.equal((await extra.json()).error, "Cannot request consent: unknown field admin");
    const big = await post(
      JSON.stringify({ organizationId: ORG, email: OWNER.email, label: "x".repeat(10_000_000) }),
    );
    assert.equal(big.status, 413);
    assert.match((await big.json()).error, /larger than 65536 bytes/);
    assert.equal(store.creds.length, 0, "nothing stored for a refused request");
  } finally {
    await server.shutdown();
  }
});

Deno.test("backchannel consent for an organisation that does not exist is refused before SMA is asked", async () => {
  const { app, server, store, sim } = setup();
  try {
    const ghost = "d0000000-0000-4000-8000-00000000dead";
    const res = await ask(app, { organizationId: ghost, email: OWNER.email });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, `Cannot request consent: no organisation ${ghost}`);
    assert.equal(store.creds.length, 0);
    // SMA was not asked to e-mail the owner: it saw no request at all.
    assert.equal(sim.requests().count, 0);
    const ok = await ask(app, { organizationId: ORG, email: OWNER.email });
    assert.equal(ok.status, 202);
    assert.ok(
      sim.requests().paths.some((p) => p.includes("bc-authorize")),
      "a real ask reaches SMA",
    );
  } finally {
    await server.shutdown();
  }
});
