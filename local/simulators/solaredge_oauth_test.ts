/**
 * The simulator's Site Access server: the authorize redirect with code, site_id and state, the
 * JSON token endpoint with rotation, the 7,200 s access tokens on the simulator's clock, revoking,
 * and bearer tokens that read their granted site only.
 */
import assert from "node:assert/strict";
import { assertProblem, BERLIN, LONDON, NEW_YORK, setupSim } from "./solaredge_testing.ts";
import { simCaller } from "./sim_testing.ts";

const CLIENT = { clientId: "app-1", clientSecret: "app-1-secret" };
const REDIRECT = "https://fetcher.test/solaredge/oauth/callback";

function setup() {
  const t = setupSim();
  t.sim.oauth.addClient(CLIENT);
  t.sim.oauth.addOwner({ email: "home@example.com", sites: [LONDON, NEW_YORK] });
  const authorize = (extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      scope: "SITE_DATA",
      access_duration: "12",
      state: "st-1",
      ...extra,
    });
    return t.sim.handler(new Request(`http://sim.test/authorize?${q}`));
  };
  const token = (body: unknown, contentType = "application/json") =>
    t.sim.handler(
      new Request("http://sim.test/v2/oauth2/token", {
        method: "POST",
        headers: { "content-type": contentType },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  const codeFor = async (extra: Record<string, string> = {}) => {
    const res = await authorize({ approve_as: "home@example.com", ...extra });
    assert.equal(res.status, 302);
    return new URL(res.headers.get("location")!);
  };
  const connect = async (extra: Record<string, string> = {}) => {
    const back = await codeFor(extra);
    const res = await token({
      grant_type: "authorization_code",
      code: back.searchParams.get("code"),
      ...client(),
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const bearer = (path: string, accessToken: string) =>
    t.get(path, { authorization: `Bearer ${accessToken}` });
  return { ...t, authorize, token, codeFor, connect, bearer };
}

const client = () => ({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });

Deno.test("the owner's approval redirects with code, site_id, external_id and the state", async () => {
  const { authorize, codeFor } = setup();
  const back = await codeFor({ site_id: String(NEW_YORK.siteId), external_id: "crm-9" });
  assert.equal(back.origin + back.pathname, REDIRECT);
  assert.equal(back.searchParams.get("site_id"), String(NEW_YORK.siteId));
  assert.equal(back.searchParams.get("state"), "st-1");
  assert.equal(back.searchParams.get("external_id"), "crm-9");
  assert.match(back.searchParams.get("code")!, /^[\w-]{16}$/);
  // Without a site the owner's first one is granted.
  assert.equal((await codeFor()).searchParams.get("site_id"), String(LONDON.siteId));

  const page = await authorize();
  assert.equal(page.status, 200);
  assert.match(await page.text(), /SolarEdge email/);
  const denied = new URL((await authorize({ deny: "1" })).headers.get("location")!);
  assert.equal(denied.searchParams.get("error"), "access_denied");
  const long = new URL((await authorize({ access_duration: "25" })).headers.get("location")!);
  assert.equal(long.searchParams.get("error"), "invalid_request");
  const scope = new URL((await authorize({ scope: "ALL" })).headers.get("location")!);
  assert.equal(scope.searchParams.get("error"), "invalid_scope");
  assert.equal((await authorize({ client_id: "nobody" })).status, 400);
  const stranger = await authorize({ approve_as: "home@example.com", site_id: "3066774" });
  assert.equal(stranger.status, 400);
});

Deno.test("the token endpoint takes JSON only, a code once, and answers RFC 6749 errors", async () => {
  const { token, codeFor } = setup();
  const code = (await codeFor()).searchParams.get("code")!;
  const form = await token(
    new URLSearchParams({ grant_type: "authorization_code", code, ...client() }).toString(),
    "application/x-www-form-urlencoded",
  );
  assert.equal(form.status, 400);
  assert.equal((await form.json()).error, "invalid_request");

  const wrongSecret = await token({ grant_type: "authorization_code", code, client_id: "app-1" });
  assert.equal(wrongSecret.status, 400);
  assert.equal((await wrongSecret.json()).error, "invalid_client");

  const ok = await token({ grant_type: "authorization_code", code, ...client() });
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.expires_in, 7200);
  assert.equal(body.token_type, "Bearer");
  assert.ok(body.access_token && body.refresh_token);

  const again = await token({ grant_type: "authorization_code", code, ...client() });
  assert.equal(again.status, 400);
  assert.deepEqual(Object.keys(await again.json()).sort(), ["error", "error_description"]);
});

Deno.test("every refresh rotates the refresh token and the old one is refused", async () => {
  const { token, connect, sim } = setup();
  const first = await connect();
  const res = await token({
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
    ...client(),
  });
  assert.equal(res.status, 200);
  const second = await res.json();
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.notEqual(second.access_token, first.access_token);
  const old = await token({
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
    ...client(),
  });
  assert.equal(old.status, 400);
  assert.equal((await old.json()).error, "invalid_grant");
  assert.deepEqual(sim.oauth.tokenRequests().grants, [
    "authorization_code",
    "refresh_token",
    "refresh_token",
  ]);
});

Deno.test("a bearer token reads its granted site only, and never /sites", async () => {
  const { connect, bearer } = setup();
  const { access_token } = await connect({ site_id: String(NEW_YORK.siteId) });
  const site = await bearer(`/v2/sites/${NEW_YORK.siteId}`, access_token);
  assert.equal(site.status, 200);
  assert.equal((await site.json()).location.timeZone, "America/New_York");
  const q = "from=2026-11-30T10:00:00&to=2026-11-30T11:00:00&resolution=QUARTER_HOUR";
  assert.equal((await bearer(`/v2/sites/${NEW_YORK.siteId}/power?${q}`, access_token)).status, 200);
  await assertProblem(await bearer("/v2/sites", access_token), 401, /only an API key/);
  await assertProblem(await bearer("/v2/alerts", access_token), 401, /only an API key/);
  await assertProblem(
    await bearer(`/v2/sites/${LONDON.siteId}/power?${q}`, access_token),
    403,
    /does not grant site 42/,
  );
  await assertProblem(await bearer(`/v2/sites/${BERLIN.siteId}`, "made-up"), 401, /access token/);
});

Deno.test("access tokens die after 7,200 s of simulator time; the refresh token still works", async () => {
  const { connect, bearer, token, sim, advance } = setup();
  const first = await connect();
  const path = `/v2/sites/${LONDON.siteId}`;
  advance(7_199_000);
  assert.equal((await bearer(path, first.access_token)).status, 200);
  advance(1_000);
  await assertProblem(await bearer(path, first.access_token), 401, /expired/);
  // The admin clock moves the token clock alone, as far as a test needs.
  const renewed = await (await token({
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
    ...client(),
  })).json();
  sim.oauth.advanceClock(7_200);
  assert.equal((await bearer(path, renewed.access_token)).status, 401);
});

Deno.test("revoking ends the grant; /_sim switches revoke, expire and move the clock", async () => {
  const { connect, bearer, token, sim } = setup();
  const admin = simCaller(sim.handler);
  const a = await connect();
  const path = `/v2/sites/${LONDON.siteId}`;
  assert.equal((await (await admin("POST", "/_sim/oauth/expire", {})).json()).expired, 1);
  assert.equal((await bearer(path, a.access_token)).status, 401);

  const b = await connect();
  const revoke = await sim.handler(
    new Request("http://sim.test/v2/oauth2/revoke-token", {
      method: "POST",
      body: JSON.stringify({ token: b.refresh_token }),
    }),
  );
  assert.equal(revoke.status, 200);
  assert.equal((await bearer(path, b.access_token)).status, 401);
  const dead = await token({
    grant_type: "refresh_token",
    refresh_token: b.refresh_token,
    ...client(),
  });
  assert.equal((await dead.json()).error, "invalid_grant");

  const c = await connect();
  const revoked = await admin("POST", "/_sim/oauth/revoke", { siteId: LONDON.siteId });
  // Both live grants of the site: a's (access token expired, refresh token alive) and c's.
  assert.equal((await revoked.json()).revoked, 4);
  assert.equal((await bearer(path, c.access_token)).status, 401);

  const d = await connect();
  assert.equal((await admin("POST", "/_sim/oauth/clock", { advanceSeconds: 7_200 })).status, 204);
  assert.equal((await bearer(path, d.access_token)).status, 401);
  const log = await (await admin("GET", `/_sim/oauth/requests?siteId=${LONDON.siteId}`)).json();
  assert.ok(log.token.grants.includes("authorization_code"));
  assert.ok(log.bearer.includes(path));
  assert.equal((await admin("POST", "/_sim/oauth/clock", { advanceSeconds: -1 })).status, 400);
});
