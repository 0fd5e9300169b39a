/**
 * The backchannel consent flow against the SMA simulator: request, poll, the sandbox's answer, and
 * the credential it yields, which renews by asking again and stops at a revoked consent.
 */
import assert from "node:assert/strict";
import { BadRecordError, FatalCredentialError, RequestError } from "../../../shared/errors.ts";
import type { TokenCall } from "../../../shared/types.ts";
import { sma } from "./adapter.ts";
import { smaBackchannel } from "./backchannel.ts";
import { OWNER, setupSma, VENDOR } from "../../../shared/testing/sma_sim.ts";

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

Deno.test("SMA consent with Accepted: tokenFor yields a credential that reads the owner's plants", async () => {
  const { sim, call, context } = setupSma();
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), "pending");
  await assert.rejects(
    smaBackchannel.tokenFor(call, VENDOR, OWNER.email),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      /Cannot get SMA backchannel access: the plant owner has not answered/.test(e.message),
  );
  // SMA answers "Accepted" (vendors.md Corrections); the comparison ignores case.
  await answer(sim, OWNER.email, "Accepted");
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
  await answer(sim, OWNER.email, "Accepted");
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
      e instanceof FatalCredentialError && /revoked this app's access/.test(e.message) &&
      !e.message.includes(OWNER.email),
  );
});

Deno.test("a rejected request reads as rejected; asking again makes it pending", async () => {
  const { sim, call } = setupSma();
  await smaBackchannel.request(call, VENDOR, OWNER.email);
  await answer(sim, OWNER.email, "Rejected");
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

Deno.test("Rejected, Expired and Revoked give no access and say what to do", async () => {
  const messages: Record<string, RegExp> = {
    Rejected:
      /the plant owner rejected the consent request in SMA's e-mail: request the consent again/,
    Expired:
      /the plant owner did not answer SMA's consent e-mail in time: request the consent again/,
    Revoked: /the plant owner revoked this app's access: request the consent again/,
  };
  for (const [state, message] of Object.entries(messages)) {
    const { sim, call } = setupSma();
    await smaBackchannel.request(call, VENDOR, OWNER.email);
    await answer(sim, OWNER.email, state);
    assert.equal(await smaBackchannel.status(call, VENDOR, OWNER.email), state.toLowerCase());
    await assert.rejects(
      smaBackchannel.tokenFor(call, VENDOR, OWNER.email),
      (e: unknown) => e instanceof FatalCredentialError && message.test(e.message),
      state,
    );
  }
});

Deno.test("consent states are compared without regard to case; unknown ones are named", async () => {
  for (
    const [wire, read] of [["Accepted", "accepted"], ["ACCEPTED", "accepted"], [
      "pending",
      "pending",
    ], ["Revoked", "revoked"]]
  ) {
    assert.equal(await smaBackchannel.status(fakeSma(wire), VENDOR, OWNER.email), read, wire);
  }
  const secret = await smaBackchannel.tokenFor(fakeSma("accepted"), VENDOR, OWNER.email);
  assert.equal(secret.accessToken, "client-token");
  await assert.rejects(
    smaBackchannel.status(fakeSma("Approved"), VENDOR, OWNER.email),
    (e: unknown) => e instanceof BadRecordError && /unknown state "Approved"/.test(e.message),
  );
});

/** SMA's token endpoint and bc-authorize state, answering `state` as spelt. */
function fakeSma(state: string): TokenCall {
  return (req) => {
    const body = req.url.endsWith("/oauth2/token")
      ? { access_token: "client-token", expires_in: 300, token_type: "Bearer" }
      : { loginHint: OWNER.email, state };
    return Promise.resolve({ status: 200, headers: new Headers(), text: JSON.stringify(body) });
  };
}
