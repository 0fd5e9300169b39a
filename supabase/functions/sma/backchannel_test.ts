/**
 * The backchannel consent flow against the SMA simulator: request, poll, the sandbox's answer, and
 * the credential it yields, which renews by asking again and stops at a revoked consent.
 */
import assert from "node:assert/strict";
import { BadRecordError, FatalCredentialError, RequestError } from "../../../shared/errors.ts";
import { sma } from "./adapter.ts";
import { smaBackchannel } from "./backchannel.ts";
import { OWNER, setupSma, VENDOR } from "./testing.ts";

/** Plays the owner's answer through the sandbox switch, with the app's own client token. */
async function answer(sim: ReturnType<typeof setupSma>["sim"], email: string, state: string) {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: VENDOR.SMA_CLIENT_ID,
    client_secret: VENDOR.SMA_CLIENT_SECRET,
  });
  const token = await (await sim.handler(
    new Request("http://sma.test/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    }),
  )).json();
  const res = await sim.handler(
    new Request(`http://sma.test/oauth2/v2/bc-authorize/${encodeURIComponent(email)}/status`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${token.access_token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ state }),
    }),
  );
  assert.equal(res.status, 200);
}

Deno.test("request then accept: tokenFor yields a credential that reads the owner's plants", async () => {
  const { sim, call, context } = setupSma();
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), "pending");
  await assert.rejects(
    smaBackchannel.tokenFor(call, VENDOR, OWNER.email),
    (e: unknown) =>
      e instanceof FatalCredentialError && /the plant owner's consent is pending/.test(e.message),
  );
  await answer(sim, OWNER.email, "accepted");
  assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), "accepted");
  const secret = await smaBackchannel.tokenFor(call, VENDOR, OWNER.email);
  assert.equal(secret.flow, "backchannel");
  assert.equal(secret.loginHint, OWNER.email);
  assert.equal(secret.refreshToken, undefined);
  assert.deepEqual(sma.parseSecret(secret).secret, secret);
  const sites = await sma.fetchSitesList(context(secret));
  assert.deepEqual(sites.map((s) => s.vendorSiteId), ["4400001", "9100001"]);
  const posts = sim.requests().paths.filter((p) => p === "/oauth2/v2/bc-authorize");
  assert.equal(posts.length, 1);
});

Deno.test("a backchannel credential renews with a client token and stops once revoked", async () => {
  const { sim, call } = setupSma();
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  await answer(sim, OWNER.email, "accepted");
  const secret = await smaBackchannel.tokenFor(call, VENDOR, OWNER.email);
  const before = sim.tokenRequests("client_credentials");
  const renewed = await sma.tokens!.renew(call, secret, VENDOR);
  assert.notEqual(renewed.accessToken, secret.accessToken);
  assert.equal(renewed.loginHint, OWNER.email);
  assert.equal(sim.tokenRequests("client_credentials"), before + 1);
  assert.equal(sim.tokenRequests("refresh_token"), 0);
  sim.revokeOwner(OWNER.email);
  await assert.rejects(
    sma.tokens!.renew(call, renewed, VENDOR),
    (e: unknown) =>
      e instanceof FatalCredentialError && /consent is revoked/.test(e.message) &&
      !e.message.includes(OWNER.email),
  );
});

Deno.test("a rejected request reads as rejected; asking again makes it pending", async () => {
  const { sim, call } = setupSma();
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  await answer(sim, OWNER.email, "rejected");
  assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), "rejected");
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), "pending");
});

Deno.test("status of an e-mail never asked is a bad record; a non-e-mail is refused unsent", async () => {
  const { sim, call } = setupSma();
  await assert.rejects(
    smaBackchannel.status(call, VENDOR, "stranger@example.com"),
    (e: unknown) => e instanceof BadRecordError && e.status === 404,
  );
  const before = sim.requests().count;
  for (const bad of ["", "owner", "two words@example.com"]) {
    await assert.rejects(
      smaBackchannel.request(call, VENDOR, bad),
      (e: unknown) => e instanceof RequestError && e.status === 400,
    );
  }
  assert.equal(sim.requests().count, before);
});

Deno.test("a client token without any consent lists no plants", async () => {
  const { call, context } = setupSma();
  // The same app token the backchannel flow uses, before anyone consented.
  const res = await call({
    url: "http://sma.test/oauth2/token",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: VENDOR.SMA_CLIENT_ID,
      client_secret: VENDOR.SMA_CLIENT_SECRET,
    }).toString(),
    label: "token",
  });
  const accessToken = JSON.parse(res.text).access_token;
  const sites = await sma.fetchSitesList(context({
    flow: "backchannel",
    loginHint: OWNER.email,
    accessToken,
    expiresAt: new Date().toISOString(),
  }));
  assert.deepEqual(sites, []);
});
