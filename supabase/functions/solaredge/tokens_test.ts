/**
 * Site Access tokens against the simulator: the JSON token requests, the 7,200 s access token, the
 * refresh token that rotates on every renewal and is committed through the core's token manager,
 * and the vendor's refusals as needs_reauth or a configuration error.
 */
import assert from "node:assert/strict";
import { FatalCredentialError, VendorConfigError } from "../../../shared/errors.ts";
import { solaredge } from "./adapter.ts";
import {
  CLIENT,
  HOME,
  setupSiteAccess,
  VENDOR,
} from "../../../shared/testing/solaredge_site_access.ts";

Deno.test("the code exchange and the renewal POST a JSON body to the token endpoint", async () => {
  const { connect, call, sent } = setupSiteAccess();
  const before = Date.now();
  const first = await connect();
  assert.equal(first.kind, "oauth");
  assert.equal(first.siteId, String(HOME.siteId));
  const lifetime = Date.parse(first.expiresAt) - before;
  assert.ok(lifetime >= 7_200_000 && lifetime < 7_260_000, String(lifetime));
  const exchange = sent.at(-1)!;
  assert.equal(exchange.url, "http://sim.test/v2/oauth2/token");
  assert.equal(exchange.method, "POST");
  assert.equal(exchange.headers.get("content-type"), "application/json");
  const body = JSON.parse(exchange.body!);
  assert.deepEqual(Object.keys(body).sort(), ["client_id", "client_secret", "code", "grant_type"]);
  assert.equal(body.grant_type, "authorization_code");

  const second = await solaredge.tokens!.renew(call, first, VENDOR);
  assert.deepEqual(JSON.parse(sent.at(-1)!.body!), {
    grant_type: "refresh_token",
    refresh_token: first.refreshToken,
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
  });
  assert.equal(solaredge.tokens!.current(second).accessToken, (second as typeof first).accessToken);
  assert.notEqual((second as typeof first).refreshToken, first.refreshToken);
  assert.equal((second as typeof first).siteId, first.siteId);
});

Deno.test("a rotated-out refresh token is invalid_grant: fatal, with SolarEdge's words", async () => {
  const { connect, call } = setupSiteAccess();
  const first = await connect();
  await solaredge.tokens!.renew(call, first, VENDOR);
  await assert.rejects(
    solaredge.tokens!.renew(call, first, VENDOR),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 400 &&
      e.message ===
        "Cannot renew the SolarEdge Site Access token: SolarEdge answered HTTP 400 invalid_grant: " +
          "The refresh token is invalid or was revoked; the homeowner must connect the site " +
          "again (Site Access)" &&
      !e.message.includes(first.refreshToken),
  );
});

Deno.test("a wrong client secret is the app's configuration, not the homeowner's grant", async () => {
  const { connect, call } = setupSiteAccess();
  const secret = await connect();
  const wrong = { ...VENDOR, SOLAREDGE_CLIENT_SECRET: "not-the-secret" };
  await assert.rejects(
    solaredge.tokens!.renew(call, secret, wrong),
    (e: unknown) =>
      e instanceof VendorConfigError && /invalid_client/.test(e.message) &&
      /SOLAREDGE_CLIENT_SECRET/.test(e.message) && !e.message.includes("not-the-secret"),
  );
  const unset = { ...VENDOR, SOLAREDGE_CLIENT_ID: undefined };
  await assert.rejects(
    solaredge.tokens!.renew(call, secret, unset),
    (e: unknown) =>
      e instanceof VendorConfigError && /SOLAREDGE_CLIENT_ID is not set/.test(e.message),
  );
});

Deno.test("past the 7,200 s the core renews once, commits the rotated token and syncs", async () => {
  const { connect, open, sim, clock, sent } = setupSiteAccess();
  const first = await connect();
  const { ctx, stored, store, lines } = await open(first);
  assert.deepEqual(await solaredge.fetchSitesList(ctx), [
    { vendorSiteId: String(HOME.siteId), name: HOME.name, timezone: HOME.timeZone },
  ]);
  // The simulator's clock passes the access token's lifetime; the stored expiry has not yet.
  sim.oauth.advanceClock(7_201);
  clock.advance(3_600_000);
  const to = new Date(Math.floor(clock.now().getTime() / 900_000) * 900_000);
  const window = { from: new Date(to.getTime() - 3_600_000), to };
  const data = await solaredge.fetchSiteData(ctx, { vendorSiteId: "4100001" }, window);
  assert.equal(data.responses.length, 2);
  assert.deepEqual(sim.oauth.tokenRequests().grants, ["authorization_code", "refresh_token"]);
  const after = await stored();
  assert.notEqual(after.refreshToken, first.refreshToken);
  assert.equal(after.accessToken, (ctx.secret as typeof first).accessToken);
  assert.equal(after.siteId, first.siteId);
  assert.equal(store.creds[0].status, "active");
  // Only the granted site was read with the bearer, never /sites.
  const bearerPaths = sent.filter((s) => s.headers.get("authorization")).map((s) =>
    new URL(s.url).pathname
  );
  assert.ok(bearerPaths.length >= 3);
  assert.ok(bearerPaths.every((p) => p.startsWith("/v2/sites/4100001")), bearerPaths.join());
  for (const token of [first.accessToken, first.refreshToken, after.refreshToken]) {
    assert.ok(!lines.join("\n").includes(token));
  }
});

Deno.test("a revoked grant leaves needs_reauth with the vendor's message", async () => {
  const { connect, open, sim } = setupSiteAccess();
  const first = await connect();
  const { ctx, store } = await open(first);
  sim.oauth.revokeSite(HOME.siteId);
  await assert.rejects(
    solaredge.fetchSitesList(ctx),
    (e: unknown) => e instanceof FatalCredentialError && /invalid_grant/.test(e.message),
  );
  const marked = store.credentialStatus.get("cred-1");
  assert.equal(marked?.status, "needs_reauth");
  assert.match(marked?.reason ?? "", /invalid_grant.*connect the site again/);
});

Deno.test("an API-key credential opens without a token manager and sends its key", async () => {
  const { open, sent } = setupSiteAccess();
  const { ctx } = await open({ apiKey: "fleet-key" }, {});
  assert.equal(ctx.authorize, undefined);
  const sites = await solaredge.fetchSitesList(ctx);
  assert.deepEqual(sites.map((s) => s.vendorSiteId), ["4200001"]);
  assert.equal(sent.at(-1)!.headers.get("x-api-key"), "fleet-key");
  assert.equal(sent.at(-1)!.headers.get("authorization"), null);
});
