/**
 * The credential and its tokens: the code exchange of the connect flow, renewal with a rotating
 * refresh token and its failures, and the secret document. Set-up in shared/testing/enphase_sim.ts.
 */
import assert from "node:assert/strict";
import { enphase } from "./adapter.ts";
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import { APP, OWNER, REDIRECT, setupEnphase, VENDOR } from "../../../shared/testing/enphase_sim.ts";

Deno.test("connect sends the homeowner to Enphase and exchanges the code once", async () => {
  const { sim, call } = setupEnphase();
  const url = new URL(enphase.connect!.authorizeUrl(VENDOR, REDIRECT, "state-1"));
  assert.equal(url.origin + url.pathname, "http://sim.test/oauth/authorize");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    response_type: "code",
    client_id: APP.clientId,
    redirect_uri: REDIRECT,
    state: "state-1",
  });
  const approved = await sim.handler(new Request(`${url}&approve_as=${OWNER.email}`));
  const back = new URL(approved.headers.get("location")!);
  assert.equal(back.searchParams.get("state"), "state-1");
  const code = back.searchParams.get("code")!;

  const before = Date.now();
  const secret = await enphase.connect!.exchangeCode(call, VENDOR, code, REDIRECT);
  const expires = Date.parse(secret.expiresAt) - before;
  assert.ok(expires >= 86_393_000 && expires < 86_393_000 + 60_000, String(expires));
  assert.deepEqual(enphase.parseSecret(secret).secret, secret);

  await assert.rejects(
    enphase.connect!.exchangeCode(call, VENDOR, code, REDIRECT),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 400 &&
      /invalid_grant: Invalid authorization code: \[redacted\]/.test(e.message) &&
      !e.message.includes(code),
  );
  const real = enphase.connect!.authorizeUrl({ ENPHASE_CLIENT_ID: "c" }, REDIRECT, "s");
  assert.ok(real.startsWith("https://api.enphaseenergy.com/oauth/authorize?response_type=code"));
});

Deno.test("renew rotates the refresh token and the old one is then refused", async () => {
  const { sim, call, connect, context } = setupEnphase();
  const first = await connect();
  const second = await enphase.tokens!.renew(call, first, VENDOR);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.deepEqual(sim.tokenRequests().grants, ["authorization_code", "refresh_token"]);
  assert.equal((await enphase.fetchSitesList(context(second))).length, 2);
  await assert.rejects(
    enphase.tokens!.renew(call, first, VENDOR),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 400 &&
      e.message.startsWith(
        "Cannot renew the Enphase access token: Enphase answered HTTP 400 " +
          "invalid_grant: Invalid refresh token: ",
      ) &&
      !e.message.includes(first.refreshToken),
  );
});

Deno.test("renew is fatal once the homeowner revoked access", async () => {
  const { sim, call, connect } = setupEnphase();
  const secret = await connect();
  sim.revokeRefreshTokens(OWNER.email);
  await assert.rejects(
    enphase.tokens!.renew(call, secret, VENDOR),
    (e: unknown) => e instanceof FatalCredentialError && /invalid_grant/.test(e.message),
  );
});

Deno.test("renew with a wrong client secret blames the app configuration", async () => {
  const { call, connect } = setupEnphase();
  const secret = await connect();
  const wrong = { ...VENDOR, ENPHASE_CLIENT_SECRET: "not-the-secret" };
  await assert.rejects(
    enphase.tokens!.renew(call, secret, wrong),
    (e: unknown) =>
      e instanceof VendorConfigError && /Bad credentials/.test(e.message) &&
      /ENPHASE_CLIENT_SECRET/.test(e.message) && !e.message.includes("not-the-secret"),
  );
});

Deno.test("renew retries a 5xx and treats a cut-off token answer as retriable", async () => {
  const { sim, call, connect, sleeps } = setupEnphase();
  const secret = await connect();
  sim.addFault({ kind: "5xx", count: 1, path: "/oauth/token" });
  const renewed = await enphase.tokens!.renew(call, secret, VENDOR);
  assert.equal(sleeps.length, 1);
  sim.addFault({ kind: "malformed", count: 1, path: "/oauth/token" });
  await assert.rejects(
    enphase.tokens!.renew(call, renewed, VENDOR),
    (e: unknown) => e instanceof RetriableError && /without a usable token/.test(e.message),
  );
  assert.equal(sim.tokenRequests().count, 4);
});

Deno.test("parseSecret checks the three fields; tokens.current reports the expiry", () => {
  assert.throws(() => enphase.parseSecret({ accessToken: "a" }), /refreshToken is missing/);
  assert.throws(
    () => enphase.parseSecret({ accessToken: "a", refreshToken: "r", expiresAt: "soon" }),
    /expiresAt is not an ISO date-time/,
  );
  const { secret, sensitive } = enphase.parseSecret({
    accessToken: " access-1 ",
    refreshToken: "refresh-1",
    expiresAt: "2026-06-16T12:00:00+02:00",
  });
  assert.deepEqual(secret, {
    accessToken: "access-1",
    refreshToken: "refresh-1",
    expiresAt: "2026-06-16T10:00:00.000Z",
  });
  assert.deepEqual(sensitive, ["access-1", "refresh-1"]);
  assert.deepEqual(enphase.authHeaders(secret), { Authorization: "Bearer access-1" });
  assert.deepEqual(enphase.tokens!.current(secret), {
    accessToken: "access-1",
    expiresAt: new Date("2026-06-16T10:00:00Z"),
  });
  assert.equal(enphase.tokens!.marginSeconds, 600);
  assert.deepEqual(enphase.requiredConfig, [
    "ENPHASE_CLIENT_ID",
    "ENPHASE_CLIENT_SECRET",
    "ENPHASE_API_KEY",
  ]);
});
