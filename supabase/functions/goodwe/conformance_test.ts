/**
 * The shared adapter conformance suite, and the session lifecycle, through the real core path
 * (`simContext`: decryption, token manager, pacing, retries) against the GoodWe simulator.
 */
import assert from "node:assert/strict";
import { goodwe, type GoodWeSecret } from "./adapter.ts";
import { FatalCredentialError } from "../../../shared/errors.ts";
import { createGoodWeSimulator, type GoodWeSimulator } from "../../../local/simulators/goodwe.ts";
import { fetchWithRetry } from "../../../shared/http.ts";
import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";

const NOW = new Date("2026-06-15T14:07:00Z");
const VENDOR = {
  GOODWE_LOGIN_URL: "http://sim.test",
  GOODWE_LOGIN_URL_EU: "http://sim.test/eu-semsplus",
  GOODWE_LOGIN_URL_CN: "http://sim.test/cn-semsplus",
  GOODWE_LEGACY_LOGIN_URL: "http://sim.test",
};
const ACCOUNT = "conformance@example.com";
const PLANT = "c0ffee00-1234-4abc-8def-0123456789ab";
const base = { baseUrl: VENDOR.GOODWE_LOGIN_URL, vendorConfig: VENDOR, now: NOW };

function simulator(): GoodWeSimulator {
  const sim = createGoodWeSimulator({ now: () => NOW });
  sim.addAccount({
    account: ACCOUNT,
    password: "conformance-password",
    plants: [{ id: PLANT, name: "Noon", timeZone: "Europe/Rome", capacityKw: 6 }],
  });
  return sim;
}

/** Logs in as the core would, so the harness knows the session token it must not leak. */
async function loggedIn(sim: GoodWeSimulator): Promise<GoodWeSecret> {
  const fetchFn = ((u: string, i?: RequestInit) => sim.handler(new Request(u, i))) as typeof fetch;
  return await goodwe.tokens!.renew(
    (req) => fetchWithRetry(req, { fetch: fetchFn }),
    { account: ACCOUNT, password: "conformance-password" },
    VENDOR,
  );
}

adapterConformance("GoodWe", {
  adapter: goodwe,
  async world() {
    const sim = simulator();
    const secret = await loggedIn(sim);
    const { ctx } = await simContext(goodwe, secret, { ...base, handler: sim.handler });
    return {
      ctx,
      site: { vendorSiteId: PLANT, timezone: "Europe/Rome" },
      window: { from: new Date("2026-06-15T08:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: goodwe.parseSecret(secret).sensitive,
      fault: (kind, count) => sim.addFault({ kind, count }),
      calls: () => sim.requests(ACCOUNT).count,
    };
  },
  async rejected() {
    const sim = simulator();
    const secret = { account: ACCOUNT, password: "not-the-password" };
    return (await simContext(goodwe, secret, { ...base, handler: sim.handler })).ctx;
  },
});

Deno.test("through the core, a first call logs in and stores the session encrypted", async () => {
  const sim = simulator();
  const { ctx, store, keyring } = await simContext(goodwe, {
    account: ACCOUNT,
    password: "conformance-password",
  }, { ...base, handler: sim.handler });
  assert.deepEqual(await goodwe.fetchSitesList(ctx), [{ vendorSiteId: PLANT, name: "Noon" }]);
  const stored = JSON.parse(await keyring.decrypt(store.creds[0].secret)) as GoodWeSecret;
  assert.equal(stored.session!.api, "http://sim.test/eu/api/");
  assert.equal(stored.session!.token, ctx.secret.session!.token);
  assert.equal(sim.requests(ACCOUNT).logins, 1);
});

Deno.test("through the core, an expired session is renewed once and the call repeated", async () => {
  const sim = simulator();
  const secret = await loggedIn(sim);
  const { ctx } = await simContext(goodwe, secret, { ...base, handler: sim.handler });
  sim.expireSessions(ACCOUNT);
  const window = { from: new Date("2026-06-15T10:00:00Z"), to: new Date("2026-06-15T12:00:00Z") };
  const data = await goodwe.fetchSiteData(
    ctx,
    { vendorSiteId: PLANT, timezone: "Europe/Rome" },
    window,
  );
  assert.ok(data.readings.length > 20);
  assert.notEqual(ctx.secret.session!.token, secret.session!.token);
  const log = sim.requests(ACCOUNT);
  // The login above, the detail answered 100002, the new login, then the repeated calls.
  assert.equal(log.logins, 2);
  assert.deepEqual(log.paths.slice(1, 4), [
    "/eu/api/v3/PowerStation/GetMonitorDetailByPowerstationId",
    "/web/sems/sems-user/api/v1/auth/cross-login",
    "/eu/api/v3/PowerStation/GetMonitorDetailByPowerstationId",
  ]);
});

Deno.test("through the core, a wrong password marks the credential for re-authorisation", async () => {
  const sim = simulator();
  const { ctx, store } = await simContext(goodwe, {
    account: ACCOUNT,
    password: "wrong-password-123",
  }, { ...base, handler: sim.handler });
  await assert.rejects(goodwe.fetchSitesList(ctx), /code 100005, "Email or password error"/);
  assert.equal(store.creds[0].status, "needs_reauth");
});

Deno.test("through the core, 100002 right after a fresh login disables the credential after one login", async () => {
  const sim = simulator();
  sim.addAccount({
    account: ACCOUNT,
    password: "conformance-password",
    refused: true,
    plants: [{ id: PLANT, name: "Noon", timeZone: "Europe/Rome", capacityKw: 6 }],
  });
  const { ctx, store } = await simContext(goodwe, {
    account: ACCOUNT,
    password: "conformance-password",
  }, { ...base, handler: sim.handler });
  await assert.rejects(
    goodwe.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && /account itself is refused/.test(e.message),
  );
  assert.equal(store.creds[0].status, "needs_reauth");
  assert.match(store.credentialStatus.get("cred-1")?.reason ?? "", /set a new password/);
  assert.equal(sim.requests(ACCOUNT).logins, 1);
});

Deno.test("through the core, an expired session of a refused account costs one login, not a loop", async () => {
  const sim = simulator();
  const secret = await loggedIn(sim);
  sim.addAccount({
    account: ACCOUNT,
    password: "conformance-password",
    refused: true,
    plants: [{ id: PLANT, name: "Noon", timeZone: "Europe/Rome", capacityKw: 6 }],
  });
  const { ctx } = await simContext(goodwe, secret, { ...base, handler: sim.handler });
  const window = { from: new Date("2026-06-15T10:00:00Z"), to: new Date("2026-06-15T12:00:00Z") };
  const site = { vendorSiteId: PLANT, timezone: "Europe/Rome" };
  await assert.rejects(goodwe.fetchSiteData(ctx, site, window), FatalCredentialError);
  await assert.rejects(goodwe.fetchSiteData(ctx, site, window));
  // The login above, then exactly one in this run.
  assert.equal(sim.requests(ACCOUNT).logins, 2);
});

Deno.test("through the core, SEMS+ 100004 sets needs_reauth with the new-password advice", async () => {
  const sim = simulator();
  sim.addAccount({
    account: ACCOUNT,
    password: "conformance-password",
    semsPlusLogin: "parameter-error",
    plants: [],
  });
  const { ctx, store } = await simContext(goodwe, {
    account: ACCOUNT,
    password: "conformance-password",
  }, { ...base, handler: sim.handler });
  await assert.rejects(goodwe.fetchSitesList(ctx), FatalCredentialError);
  assert.equal(store.creds[0].status, "needs_reauth");
  assert.match(
    store.credentialStatus.get("cred-1")?.reason ?? "",
    /100004, "parameter error".*log in to SEMS\+ \(semsplus\.goodwe\.com\) in a browser and set a new password/,
  );
});
