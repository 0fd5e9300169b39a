/**
 * SMA's token endpoint as the adapter uses it, against the simulator: the connect flow's code
 * exchange and the renewal of a code-flow credential, with rotation, revocation and outages.
 */
import assert from "node:assert/strict";
import { FatalCredentialError, VendorConfigError } from "../../../shared/errors.ts";
import { sma, type SmaSecret } from "./adapter.ts";
import { BASE, OWNER, REDIRECT, setupSma, VENDOR } from "../../../shared/testing/sma_sim.ts";

Deno.test("authorizeUrl asks SMA's auth host for a code with offline_access", () => {
  const url = new URL(sma.connect!.authorizeUrl(VENDOR, REDIRECT, "s-42"));
  assert.equal(`${url.origin}${url.pathname}`, "http://sma.test/oauth2/auth");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    response_type: "code",
    client_id: "fleet-app",
    redirect_uri: REDIRECT,
    state: "s-42",
    scope: "offline_access",
  });
  const production = new URL(sma.connect!.authorizeUrl({ SMA_CLIENT_ID: "x" }, REDIRECT, "s"));
  assert.equal(production.origin, "https://auth.smaapis.de");
});

Deno.test("exchangeCode turns the code from the authorize redirect into a code-flow secret", async () => {
  const { connect, sim } = setupSma();
  const before = Date.now();
  const secret = await connect();
  assert.equal(secret.flow, "code");
  assert.ok(secret.accessToken && secret.refreshToken);
  const expires = Date.parse(secret.expiresAt);
  assert.ok(expires >= before + 300_000 && expires <= Date.now() + 300_000);
  assert.equal(sim.tokenRequests("authorization_code"), 1);
  assert.deepEqual(sma.parseSecret(JSON.parse(JSON.stringify(secret))).secret, secret);
});

Deno.test("exchangeCode of a used code is fatal and quotes SMA's invalid_grant", async () => {
  const { call, sim } = setupSma();
  const authorize = new URL(sma.connect!.authorizeUrl(VENDOR, REDIRECT, "s"));
  authorize.searchParams.set("approve_as", OWNER.email);
  const redirect = new URL((await sim.handler(new Request(authorize))).headers.get("location")!);
  assert.equal(redirect.searchParams.get("state"), "s");
  const code = redirect.searchParams.get("code")!;
  await sma.connect!.exchangeCode(call, VENDOR, code, REDIRECT);
  await assert.rejects(
    sma.connect!.exchangeCode(call, VENDOR, code, REDIRECT),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      e.message === "Cannot exchange the SMA authorization code: SMA answered invalid_grant " +
          "(Code not valid)" &&
      !e.message.includes(code),
  );
});

Deno.test("renew rotates the refresh token with exactly one token request", async () => {
  const { connect, call, context, sim } = setupSma();
  const first = await connect();
  const renewed = await sma.tokens!.renew(call, first, VENDOR);
  assert.equal(sim.tokenRequests("refresh_token"), 1);
  assert.equal(renewed.flow, "code");
  assert.notEqual(renewed.accessToken, first.accessToken);
  assert.notEqual(renewed.refreshToken, first.refreshToken);
  assert.ok(Date.parse(renewed.expiresAt) > Date.now() + 290_000);
  assert.equal((await sma.fetchSitesList(context(renewed))).length, 2);
  // The rotated-out refresh token is dead: fatal, with SMA's words and without any token.
  await assert.rejects(sma.tokens!.renew(call, first, VENDOR), (e: unknown) => {
    assert.ok(e instanceof FatalCredentialError);
    assert.equal(
      e.message,
      "Cannot renew the SMA access token: SMA answered invalid_grant (Token is not active)",
    );
    assert.equal(e.status, 400);
    return true;
  });
  assert.equal(sim.tokenRequests("refresh_token"), 2);
});

Deno.test("renew after the owner revoked access is fatal with SMA's description", async () => {
  const { connect, call, sim } = setupSma();
  const secret = await connect();
  sim.revokeOwner(OWNER.email);
  await assert.rejects(
    sma.tokens!.renew(call, secret, VENDOR),
    (e: unknown) =>
      e instanceof FatalCredentialError && /invalid_grant \(Session not active\)/.test(e.message),
  );
});

Deno.test("renew retries a token endpoint outage and rejects a wrong app secret as fatal", async () => {
  const { connect, call, sim, sleeps } = setupSma();
  const secret = await connect();
  sim.addFault({ kind: "5xx", count: 2, path: "/oauth2/token" });
  const renewed = await sma.tokens!.renew(call, secret, VENDOR);
  assert.ok(renewed.accessToken);
  assert.equal(sleeps.length, 2);
  await assert.rejects(
    sma.tokens!.renew(call, renewed, { ...VENDOR, SMA_CLIENT_SECRET: "wrong" }),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 401 && /invalid_client/.test(e.message),
  );
  await assert.rejects(
    sma.tokens!.renew(call, renewed, { SMA_AUTH_URL: BASE }),
    (e: unknown) => e instanceof VendorConfigError && /SMA_CLIENT_ID/.test(e.message),
  );
});

Deno.test("current reports the token and expiry; renewal starts a minute before it", () => {
  const secret: SmaSecret = {
    flow: "code",
    accessToken: "at-1",
    refreshToken: "rt-1",
    expiresAt: "2026-10-25T14:12:00.000Z",
  };
  assert.deepEqual(sma.tokens!.current(secret), {
    accessToken: "at-1",
    expiresAt: new Date("2026-10-25T14:12:00Z"),
  });
  assert.equal(sma.tokens!.marginSeconds, 60);
  assert.deepEqual(sma.authHeaders(secret), { Authorization: "Bearer at-1" });
  assert.deepEqual(sma.requiredConfig, ["SMA_CLIENT_ID", "SMA_CLIENT_SECRET"]);
  assert.deepEqual(sma.spec.rateLimits, { concurrency: 1 });
});
