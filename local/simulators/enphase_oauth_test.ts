import assert from "node:assert/strict";
import { APP, OTHER_APP, OWNER, REDIRECT, setupSim as setup } from "./enphase_testing.ts";

Deno.test("Enphase sim authorize redirects with a code and the state once the user approves", async () => {
  const { call } = setup();
  const q = new URLSearchParams({
    response_type: "code",
    client_id: APP.clientId,
    redirect_uri: `${REDIRECT}?from=connect`,
    state: "xyz 1",
  });
  const page = await call("GET", `/oauth/authorize?${q}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  const html = await page.text();
  assert.match(html, /name="approve_as"/);
  assert.match(html, /name="state" value="xyz 1"/);

  const approved = await call("GET", `/oauth/authorize?${q}&approve_as=${OWNER.email}`);
  assert.equal(approved.status, 302);
  const location = new URL(approved.headers.get("location")!);
  assert.equal(location.origin + location.pathname, REDIRECT);
  assert.equal(location.searchParams.get("from"), "connect");
  assert.equal(location.searchParams.get("state"), "xyz 1");
  assert.match(location.searchParams.get("code")!, /^[\w-]{6,}$/);

  const denied = await call("GET", `/oauth/authorize?${q}&deny=1`);
  const back = new URL(denied.headers.get("location")!).searchParams;
  assert.equal(back.get("error"), "access_denied");
  assert.equal(back.get("state"), "xyz 1");
  assert.equal(back.get("code"), null);
});

Deno.test("Enphase sim authorize refuses an unknown client or user and a wrong response_type", async () => {
  const { call } = setup();
  const unknownClient = await call("GET", "/oauth/authorize?response_type=code&client_id=nope");
  assert.equal(unknownClient.status, 400);
  assert.match(await unknownClient.text(), /unknown client_id/);
  const unknownUser = await call(
    "GET",
    `/oauth/authorize?response_type=code&client_id=${APP.clientId}&approve_as=who@example.com`,
  );
  assert.equal(unknownUser.status, 400);
  assert.match(await unknownUser.text(), /no Enlighten user who@example.com/);
  const token = await call("GET", `/oauth/authorize?response_type=token&client_id=${APP.clientId}`);
  assert.equal(token.status, 302);
  const location = new URL(token.headers.get("location")!);
  // Without redirect_uri the code goes to Enphase's own default redirect.
  assert.equal(
    location.origin + location.pathname,
    "https://api.enphaseenergy.com/oauth/redirect_uri",
  );
  assert.equal(location.searchParams.get("error"), "unsupported_response_type");
});

Deno.test("Enphase sim exchanges a code once for the documented token response", async () => {
  const { authorize, token, sim } = setup();
  const code = await authorize();
  const res = await token({ grant_type: "authorization_code", redirect_uri: REDIRECT, code });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "access_token",
    "app_type",
    "enl_cid",
    "enl_password_last_changed",
    "enl_uid",
    "expires_in",
    "is_internal_app",
    "jti",
    "refresh_token",
    "scope",
    "token_type",
  ]);
  assert.equal(body.token_type, "bearer");
  assert.equal(body.expires_in, 86393);
  assert.equal(body.scope, "read write");
  assert.equal(body.app_type, "system");
  assert.equal(body.is_internal_app, false);
  assert.match(body.enl_uid, /^\d+$/);
  assert.notEqual(body.access_token, body.refresh_token);

  const again = await token({ grant_type: "authorization_code", redirect_uri: REDIRECT, code });
  assert.equal(again.status, 400);
  assert.deepEqual(await again.json(), {
    error: "invalid_grant",
    error_description: `Invalid authorization code: ${code}`,
  });
  assert.deepEqual(sim.tokenRequests().grants, ["authorization_code", "authorization_code"]);
});

Deno.test("Enphase sim rejects a code for another redirect_uri, client or after 5 minutes", async () => {
  const { authorize, token, advance } = setup();
  const mismatch = await token({
    grant_type: "authorization_code",
    redirect_uri: "https://evil.test/cb",
    code: await authorize(),
  });
  assert.deepEqual(await mismatch.json(), {
    error: "invalid_grant",
    error_description: "Redirect URI mismatch.",
  });
  const stolen = await token(
    { grant_type: "authorization_code", redirect_uri: REDIRECT, code: await authorize() },
    OTHER_APP,
  );
  assert.equal(stolen.status, 400);
  assert.match((await stolen.json()).error_description, /Invalid authorization code/);
  const late = await authorize();
  advance(5 * 60_000);
  const expired = await token({
    grant_type: "authorization_code",
    redirect_uri: REDIRECT,
    code: late,
  });
  assert.equal(expired.status, 400);
  await expired.body?.cancel();
});

Deno.test("Enphase sim requires Basic client auth on the token endpoint, by POST", async () => {
  const { call, sim } = setup();
  const none = await call("POST", "/oauth/token?grant_type=refresh_token&refresh_token=x");
  assert.equal(none.status, 401);
  assert.equal(
    (await none.json()).error_description,
    "Full authentication is required to access this resource",
  );
  for (
    const header of [
      `Basic ${btoa("client-a:wrong")}`,
      `Basic ${btoa("nobody:secret-a")}`,
      "Basic %%",
    ]
  ) {
    const bad = await call("POST", "/oauth/token?grant_type=refresh_token&refresh_token=x", {
      authorization: header,
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), {
      error: "unauthorized",
      error_description: "Bad credentials",
    });
  }
  const get = await call("GET", "/oauth/token?grant_type=refresh_token", {
    authorization: `Basic ${btoa("client-a:secret-a")}`,
  });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  await get.body?.cancel();
  assert.equal(sim.tokenRequests().count, 5);
});

Deno.test("Enphase sim rotates refresh tokens and rejects a rotated one with invalid_grant", async () => {
  const { connect, token, api, sim } = setup();
  const first = await connect();
  const res = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
  assert.equal(res.status, 200);
  const second = await res.json();
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.notEqual(second.access_token, first.access_token);
  const reuse = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
  assert.equal(reuse.status, 400);
  assert.deepEqual(await reuse.json(), {
    error: "invalid_grant",
    error_description: `Invalid refresh token: ${first.refresh_token.slice(0, 4)}…`,
  });
  // The newest refresh token still works, and so do both access tokens until they expire.
  const third = await token({ grant_type: "refresh_token", refresh_token: second.refresh_token });
  assert.equal(third.status, 200);
  await third.body?.cancel();
  for (const t of [first.access_token, second.access_token]) {
    const systems = await api("/api/v4/systems", t);
    assert.equal(systems.status, 200);
    await systems.body?.cancel();
  }
  assert.deepEqual(sim.tokenRequests().grants, [
    "authorization_code",
    "refresh_token",
    "refresh_token",
    "refresh_token",
  ]);
});

Deno.test("Enphase sim without strict rotation keeps an old refresh token working", async () => {
  const { connect, token } = setup({ strictRotation: false });
  const first = await connect();
  for (let i = 0; i < 2; i++) {
    const res = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    assert.equal(res.status, 200);
    assert.notEqual((await res.json()).refresh_token, first.refresh_token);
  }
});

Deno.test("Enphase sim refresh tokens last a month and belong to one client", async () => {
  const { connect, token, advance } = setup();
  const held = await connect();
  const wrongClient = await token(
    { grant_type: "refresh_token", refresh_token: held.refresh_token },
    OTHER_APP,
  );
  assert.match(
    (await wrongClient.json()).error_description,
    /^Wrong client for this refresh token/,
  );
  // 2026-06-15 plus one calendar month is 2026-07-15: still valid a second before.
  advance(30 * 86_400_000 - 1000);
  const fresh = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  assert.equal(fresh.status, 200);
  const next = await fresh.json();
  advance(31 * 86_400_000);
  const expired = await token({ grant_type: "refresh_token", refresh_token: next.refresh_token });
  assert.equal(expired.status, 400);
  assert.match((await expired.json()).error_description, /^Invalid refresh token \(expired\)/);
});

Deno.test("Enphase sim access tokens expire after the configured lifetime", async () => {
  const { connect, api, sim, advance } = setup();
  sim.setAccessTokenLifetime(120);
  const held = await connect();
  assert.equal(held.expires_in, 120);
  advance(119_000);
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
  advance(1_000);
  const expired = await api("/api/v4/systems", held.access_token);
  assert.deepEqual(await expired.json(), {
    message: "Not Authorized",
    details: "User is not authorized",
    code: 401,
  });
  assert.throws(() => sim.setAccessTokenLifetime(0), /positive integer/);
});

Deno.test("Enphase sim revocation kills refresh tokens, and access tokens when asked", async () => {
  const { connect, token, api, sim } = setup();
  const held = await connect();
  assert.equal(sim.revokeRefreshTokens(OWNER.email), 1);
  const refused = await token({ grant_type: "refresh_token", refresh_token: held.refresh_token });
  assert.equal((await refused.json()).error, "invalid_grant");
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
  const again = await connect();
  assert.equal(sim.revokeRefreshTokens(OWNER.email, { accessTokens: true }), 3);
  assert.equal((await api("/api/v4/systems", again.access_token)).status, 401);
});

Deno.test("Enphase sim grants password tokens to partner apps only", async () => {
  const { sim, token } = setup();
  const query = { grant_type: "password", username: OWNER.email, password: OWNER.password };
  const system = await token(query);
  assert.deepEqual(await system.json(), {
    error: "unauthorized_client",
    error_description: "Unauthorized grant type: password",
  });
  const partner = {
    clientId: "partner",
    clientSecret: "p-secret",
    apiKey: "p-key",
    appType: "partner" as const,
  };
  sim.addApp(partner);
  const ok = await token(query, partner);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).app_type, "partner");
  const wrong = await token({ ...query, password: "guess" }, partner);
  assert.deepEqual(await wrong.json(), {
    error: "invalid_grant",
    error_description: "Bad credentials",
  });
  const unsupported = await token({ grant_type: "client_credentials" });
  assert.equal((await unsupported.json()).error, "unsupported_grant_type");
});
