/** The site status route's callers through `app.request()`, with real session tokens (jose). */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createFetcherApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { generateKey } from "./fernet.ts";
import { Keyring } from "./keyring.ts";
import { createLogger } from "./logger.ts";
import type { FetcherRuntime } from "./runtime.ts";
import type { HealthStore, SiteHealthRow } from "./stores/health.ts";
import { memoryStore } from "./testing/memory_store.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const KEY = "service-key-for-tests";
const URL_ = "https://proj.example.test";
const ORG_A = "a1000000-0000-4000-8000-000000000001";
const ORG_B = "b1000000-0000-4000-8000-000000000002";
const ANA = "a0000000-0000-4000-8000-000000000001";

async function setup() {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] });
  const rows: SiteHealthRow[] = [
    { site_id: "s-1", organization_id: ORG_A, vendor_site_id: "501", state: "late" },
    { site_id: "s-2", organization_id: ORG_B, vendor_site_id: "777", state: "fresh" },
    { site_id: "s-3", organization_id: ORG_A, vendor_site_id: "888", state: "fresh" },
    { site_id: "s-4", organization_id: ORG_B, vendor_site_id: "888", state: "fresh" },
  ];
  const health: HealthStore = {
    siteHealth: (_s, site) =>
      Promise.resolve(rows.filter((r) => r.vendor_site_id === site || r.site_id === site)),
    memberRole: (user, org) => Promise.resolve(user === ANA && org === ORG_A ? "admin" : undefined),
  };
  const runtime: FetcherRuntime = {
    store: memoryStore(),
    health,
    objects: { put: () => Promise.resolve() },
    keyring: Keyring.parse(generateKey()),
    logger: createLogger({ write: () => {} }),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const config = loadConfig({
    SUPABASE_URL: URL_,
    SUPABASE_SERVICE_KEY: KEY,
    SUPABASE_DB_URL: "postgresql://x",
    ENCRYPTION_KEY: "unused",
    SUPABASE_JWKS: jwks,
  });
  const app = createFetcherApp(solaredge, config, () => runtime);
  const session = (sub = ANA) =>
    new SignJWT({ role: "authenticated" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setSubject(sub)
      .setIssuer(`${URL_}/auth/v1`)
      .setAudience("authenticated")
      .setExpirationTime("1h")
      .sign(privateKey);
  const get = (site: string, headers: Record<string, string> = {}) =>
    app.request(`/solaredge/sites/${encodeURIComponent(site)}/status`, { headers });
  return { get, session };
}

Deno.test("a member reads their site's status; another organisation's site is a 403", async () => {
  const { get, session } = await setup();
  const mine = await get("501", { authorization: `Bearer ${await session()}` });
  assert.equal(mine.status, 200);
  assert.deepEqual(await mine.json(), {
    site_id: "s-1",
    organization_id: ORG_A,
    vendor_site_id: "501",
    state: "late",
  });
  const theirs = await get("777", { authorization: `Bearer ${await session()}` });
  assert.equal(theirs.status, 403);
  assert.equal(
    (await theirs.json()).error,
    "Cannot read the site's status: site 777 is not your organisation's",
  );
  // A vendor id two organisations share is the member's own site.
  const shared = await get("888", { authorization: `Bearer ${await session()}` });
  assert.equal((await shared.json()).site_id, "s-3");
});

Deno.test("without a valid session or the service key the status is a 401", async () => {
  const { get, session } = await setup();
  const none = await get("501");
  assert.equal(none.status, 401);
  assert.match(
    (await none.json()).error,
    /Cannot verify the session: send the user's access token/,
  );
  const token = await session();
  const forged = `${token.slice(0, -4)}AAAA`;
  const bad = await get("501", { authorization: `Bearer ${forged}` });
  assert.equal(bad.status, 401);
});

Deno.test("an operator with the service key reads any site; unknown and ambiguous ids are named", async () => {
  const { get } = await setup();
  assert.equal((await get("777", { apikey: KEY })).status, 200);
  const unknown = await get("999", { apikey: KEY });
  assert.equal(unknown.status, 404);
  assert.equal(
    (await unknown.json()).error,
    "Cannot read the site's status: no active solaredge site 999",
  );
  const ambiguous = await get("888", { apikey: KEY });
  assert.equal(ambiguous.status, 409);
  assert.match(
    (await ambiguous.json()).error,
    /2 solaredge sites have the id 888; use the site's uuid/,
  );
  assert.equal((await get("s-4", { apikey: KEY })).status, 200);
  const long = await get("x".repeat(300), { apikey: KEY });
  assert.equal(long.status, 400);
});
