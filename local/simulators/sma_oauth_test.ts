import assert from "node:assert/strict";
import { ALICE, CLIENT, clientFields, REDIRECT, setupSim } from "./sma_testing.ts";

Deno.test("SMA sim redirects an approval with a code, the state and a session_state", async () => {
  const { authorize } = setupSim();
  const back = await authorize({ approve_as: ALICE.email });
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
  assert.equal(back.searchParams.get("state"), "st");
  assert.match(back.searchParams.get("code")!, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.match(back.searchParams.get("session_state")!, /^[0-9a-f-]{36}$/);
  const denied = await authorize({ deny: "1" });
  assert.equal(denied.searchParams.get("error"), "access_denied");
  assert.equal(denied.searchParams.get("state"), "st");
  assert.equal(denied.searchParams.get("code"), null);
  const wrongType = await authorize({ response_type: "token", approve_as: ALICE.email });
  assert.equal(wrongType.searchParams.get("error"), "unsupported_response_type");
});

Deno.test("SMA sim shows an error page, never a redirect, for a bad client or redirect_uri", async () => {
  const { request } = setupSim();
  const base = { response_type: "code", client_id: CLIENT.clientId, redirect_uri: REDIRECT };
  for (
    const [query, text] of [
      [{ ...base, client_id: "nobody" }, "Client not found."],
      [{ ...base, redirect_uri: "javascript:alert(1)" }, "Invalid parameter: redirect_uri"],
      [{ ...base, approve_as: "nobody@example.com" }, "no such owner"],
    ] as const
  ) {
    const res = await request(`/oauth2/auth?${new URLSearchParams(query)}`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("location"), null);
    assert.ok((await res.text()).includes(text), text);
  }
});

Deno.test("SMA sim's login form signs an owner in with the right password only", async () => {
  const { request } = setupSim();
  const q = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    state: "x",
  });
  const form = await request(`/oauth2/auth?${q}`);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /<form method="post"/);
  const post = (password: string) =>
    request(`/oauth2/auth?${q}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: ALICE.email, password }),
    });
  const wrong = await post("guess");
  assert.equal(wrong.status, 200);
  assert.match(await wrong.text(), /Invalid username or password\./);
  const right = await post(ALICE.password);
  assert.equal(right.status, 302);
  assert.ok(new URL(right.headers.get("location")!).searchParams.has("code"));
});

Deno.test("SMA sim answers the code grant in Keycloak's shape, once per code", async () => {
  const { authorize, token } = setupSim();
  const code = (await authorize({ approve_as: ALICE.email })).searchParams.get("code")!;
  const fields = { grant_type: "authorization_code", code, redirect_uri: REDIRECT };
  const res = await token({ ...fields, ...clientFields() });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "access_token",
    "expires_in",
    "not-before-policy",
    "refresh_expires_in",
    "refresh_token",
    "scope",
    "session_state",
    "token_type",
  ]);
  assert.equal(body.expires_in, 300);
  assert.equal(body.refresh_expires_in, 0);
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.scope, "profile monitoringApi:read email offline_access");
  const again = await token({ ...fields, ...clientFields() });
  assert.equal(again.status, 400);
  assert.deepEqual(await again.json(), {
    error: "invalid_grant",
    error_description: "Code not valid",
  });
});

Deno.test("SMA sim binds a code to its redirect_uri and lets it expire after a minute", async () => {
  const { authorize, token, advance } = setupSim();
  const newCode = async () =>
    (await authorize({ approve_as: ALICE.email })).searchParams.get("code")!;
  const a = { code: await newCode() };
  const mismatch = await token({
    grant_type: "authorization_code",
    code: a.code,
    redirect_uri: "https://evil.example/",
    ...clientFields(),
  });
  assert.equal((await mismatch.json()).error_description, "Incorrect redirect_uri");
  const b = { code: await newCode() };
  advance(61_000);
  const late = await token({
    grant_type: "authorization_code",
    code: b.code,
    redirect_uri: REDIRECT,
    ...clientFields(),
  });
  assert.equal((await late.json()).error_description, "Code not valid");
});

Deno.test("SMA sim takes client credentials as HTTP Basic too and rejects wrong ones", async () => {
  const { token, sim } = setupSim();
  const basic = `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`;
  const ok = await token({ grant_type: "client_credentials" }, { authorization: basic });
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.refresh_token, undefined);
  assert.equal(body.session_state, undefined);
  assert.equal(body.refresh_expires_in, 0);
  const wrong = await token({
    grant_type: "client_credentials",
    client_id: CLIENT.clientId,
    client_secret: "nope",
  });
  assert.equal(wrong.status, 401);
  assert.deepEqual(await wrong.json(), {
    error: "invalid_client",
    error_description: "Invalid client or Invalid client credentials",
  });
  const missing = await token(clientFields());
  assert.equal((await missing.json()).error_description, "Missing form parameter: grant_type");
  const password = await token({ grant_type: "password", ...clientFields() });
  assert.equal((await password.json()).error, "unsupported_grant_type");
  assert.equal(sim.tokenRequests(), 4);
  assert.equal(sim.tokenRequests("client_credentials"), 2);
});

Deno.test("SMA sim rotates refresh tokens strictly: the old one is not active", async () => {
  const { ownerTokens, token, sim } = setupSim();
  const first = await ownerTokens();
  const refresh = (rt: string) =>
    token({ grant_type: "refresh_token", refresh_token: rt, ...clientFields() });
  const second = await (await refresh(first.refresh_token)).json();
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(second.session_state, first.session_state);
  const old = await refresh(first.refresh_token);
  assert.equal(old.status, 400);
  assert.deepEqual(await old.json(), {
    error: "invalid_grant",
    error_description: "Token is not active",
  });
  assert.equal((await refresh(second.refresh_token)).status, 200);
  assert.equal((await refresh("rt.forged")).status, 400);
  assert.equal(sim.tokenRequests("refresh_token"), 4);
});

Deno.test("SMA sim can let an old refresh token work until its successor is used", async () => {
  const { ownerTokens, token } = setupSim({ allowRefreshReuse: true });
  const first = await ownerTokens();
  const refresh = (rt: string) =>
    token({ grant_type: "refresh_token", refresh_token: rt, ...clientFields() });
  const second = await (await refresh(first.refresh_token)).json();
  // A fetcher that crashed before storing `second` can still use `first`.
  const retry = await refresh(first.refresh_token);
  assert.equal(retry.status, 200);
  const third = await retry.json();
  assert.equal((await refresh(third.refresh_token)).status, 200);
  // Once a successor has been used, its predecessor is gone.
  assert.equal((await refresh(first.refresh_token)).status, 400);
  assert.equal((await refresh(second.refresh_token)).status, 200);
});

Deno.test("SMA sim's refresh tokens without offline_access expire after two days", async () => {
  const { ownerTokens, token, advance } = setupSim();
  const online = await ownerTokens(ALICE.email, "profile");
  assert.equal(online.refresh_expires_in, 172_800);
  assert.equal(online.scope, "profile monitoringApi:read email");
  advance(172_800_000);
  const res = await token({
    grant_type: "refresh_token",
    refresh_token: online.refresh_token,
    ...clientFields(),
  });
  assert.equal((await res.json()).error_description, "Token is not active");
});

Deno.test("SMA sim's token lifetime is settable and enforced by the monitoring API", async () => {
  const { sim, ownerTokens, get, advance } = setupSim();
  sim.setAccessTokenLifetime(30);
  const tokens = await ownerTokens();
  assert.equal(tokens.expires_in, 30);
  assert.equal((await get("/v1/plants", tokens.access_token)).status, 200);
  advance(30_000);
  const expired = await get("/v1/plants", tokens.access_token);
  assert.equal(expired.status, 401);
  assert.match(expired.headers.get("www-authenticate")!, /invalid_token/);
  assert.throws(() => sim.setAccessTokenLifetime(0), /positive integer/);
});

Deno.test("SMA sim's revokeOwner ends the owner's sessions and tokens, not others'", async () => {
  const { sim, ownerTokens, token, get } = setupSim();
  const alice = await ownerTokens(ALICE.email);
  const bob = await ownerTokens("bob@example.com");
  assert.equal(sim.revokeOwner(ALICE.email), true);
  assert.equal(sim.revokeOwner("nobody@example.com"), false);
  const refused = await token({
    grant_type: "refresh_token",
    refresh_token: alice.refresh_token,
    ...clientFields(),
  });
  assert.deepEqual(await refused.json(), {
    error: "invalid_grant",
    error_description: "Session not active",
  });
  assert.equal((await get("/v1/plants", alice.access_token)).status, 401);
  assert.equal((await get("/v1/plants", bob.access_token)).status, 200);
  // Consenting again starts a new session that works.
  const fresh = await ownerTokens(ALICE.email);
  assert.equal((await get("/v1/plants", fresh.access_token)).status, 200);
});
