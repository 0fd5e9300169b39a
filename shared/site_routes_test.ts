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
import { idleJobs } from "./testing/idle_jobs.ts";
import { memoryStore } from "./testing/memory_store.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const KEY = "service-key-for-tests";
const URL_ = "https://proj.example.test";
const ORG_A = "a1000000-0000-4000-8000-000000000001";
const ORG_B = "b1000000-0000-4000-8000-000000000002";
const ANA = "a0000000-0000-4000-8000-000000000001";
const MAX = "c0000000-0000-4000-8000-000000000003";
const NOW = new Date("2026-12-03T12:00:00Z");

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
    memberRole: (user, org) =>
      Promise.resolve(
        org !== ORG_A ? undefined : user === ANA ? "admin" : user === MAX ? "member" : undefined,
      ),
  };
  const queued: Array<{ siteId: string; windows: string[] }> = [];
  const runtime: FetcherRuntime = {
    store: memoryStore(),
    health,
    jobs: idleJobs({
      enqueueResync: (siteId, windows) => {
        queued.push({
          siteId,
          windows: windows.map((w) => `${w.from.toISOString()}/${w.to.toISOString()}`),
        });
        return Promise.resolve(windows.map((_, i) => `job-${queued.length}-${i + 1}`));
      },
    }),
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
  const app = createFetcherApp(solaredge, config, () => runtime, { now: () => NOW });
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
  const resync = async (site: string, body: unknown, sub = ANA) =>
    await app.request(`/solaredge/sites/${site}/resync`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await session(sub)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
  return { get, session, resync, queued };
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

Deno.test("an admin's resync queues one job per 12-hour SolarEdge window and answers 202 with them", async () => {
  const { resync, queued } = await setup();
  const res = await resync("501", {
    from: "2026-11-30T00:00:00Z",
    to: "2026-12-01T12:00:00+00:00",
  });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), {
    siteId: "s-1",
    vendorSiteId: "501",
    from: "2026-11-30T00:00:00.000Z",
    to: "2026-12-01T12:00:00.000Z",
    jobIds: ["job-1-1", "job-1-2", "job-1-3"],
  });
  assert.deepEqual(queued[0].windows, [
    "2026-11-30T00:00:00.000Z/2026-11-30T12:00:00.000Z",
    "2026-11-30T12:00:00.000Z/2026-12-01T00:00:00.000Z",
    "2026-12-01T00:00:00.000Z/2026-12-01T12:00:00.000Z",
  ]);
  // Without a range: the last 24 hours, which end at the current window's start (NOW is 12:00).
  await resync("501", {});
  assert.deepEqual(queued[1], {
    siteId: "s-1",
    windows: [
      "2026-12-02T12:00:00.000Z/2026-12-03T00:00:00.000Z",
      "2026-12-03T00:00:00.000Z/2026-12-03T12:00:00.000Z",
    ],
  });
});

Deno.test("a resync by a plain member or of another organisation's site is a 403 and queues nothing", async () => {
  const { resync, queued } = await setup();
  const member = await resync("501", {}, MAX);
  assert.equal(member.status, 403);
  assert.equal(
    (await member.json()).error,
    "Cannot resync the site: only an owner or admin of the site's organisation may, and you are a member",
  );
  const other = await resync("777", {});
  assert.equal(other.status, 403);
  assert.deepEqual(queued, []);
});

Deno.test("each bad resync range gets a 400 naming its problem", async () => {
  const { resync, queued } = await setup();
  const cases: Array<[unknown, string]> = [
    [{ from: "2026-12-02T00:00:00Z", to: "2026-12-01T00:00:00Z" }, "to must be after from"],
    [{ to: "2026-12-04T00:00:00Z" }, "to is in the future"],
    [
      { from: "2026-10-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
      "the range is longer than 31 days; split it into several resyncs",
    ],
    [
      { from: "yesterday" },
      "from must be an ISO 8601 time with its offset, e.g. 2026-12-01T00:00:00Z",
    ],
    [
      { from: "2026-12-01T00:00:00" },
      "from must be an ISO 8601 time with its offset, e.g. 2026-12-01T00:00:00Z",
    ],
    [{ since: "2026-12-01T00:00:00Z" }, "unknown field since"],
  ];
  for (const [body, problem] of cases) {
    const res = await resync("501", body);
    assert.equal(res.status, 400, problem);
    assert.equal((await res.json()).error, `Cannot resync the site: ${problem}`);
  }
  assert.deepEqual(queued, []);
});
