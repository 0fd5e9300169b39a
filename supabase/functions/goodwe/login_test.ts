/** `tokens.renew` and `tokens.isExpired` against the simulator, and for bodies it never sends. */
import assert from "node:assert/strict";
import { goodwe } from "./adapter.ts";
import { ACCOUNT, cannedFetch, PASSWORD, setup } from "../../../shared/testing/goodwe_world.ts";
import {
  BadRecordError,
  FatalCredentialError,
  RetriableError,
  VendorConfigError,
} from "../../../shared/errors.ts";

const SEMS_PLUS = "/web/sems/sems-user/api/v1/auth/cross-login";
const CLASSIC = "/api/v3/Common/CrossLogin";
const EU_SEMS_PLUS = `/eu-semsplus${SEMS_PLUS}`;
const tokens = goodwe.tokens!;

const sharedDir = new URL("../../../../shared/fixtures/vendors/goodwe/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("renew logs in on SEMS+ and stores the session the regional API accepts", async () => {
  const { sim, ctx, logIn } = setup();
  assert.deepEqual(tokens.current(ctx.secret), { accessToken: undefined });
  assert.deepEqual(goodwe.authHeaders(ctx.secret), {});
  const renewed = await logIn();
  assert.equal(renewed.account, ACCOUNT);
  assert.equal(renewed.password, PASSWORD);
  assert.equal(renewed.session!.api, "http://sim.test/eu/api/");
  assert.equal(renewed.session!.issuedAt, "2026-10-26T12:03:00.000Z");
  assert.equal(typeof JSON.parse(renewed.session!.token).token, "string");
  // No lifetime is published: no expiresAt, so only isExpired or a missing token renew it.
  assert.deepEqual(tokens.current(renewed), { accessToken: renewed.session!.token });
  assert.deepEqual(goodwe.authHeaders(renewed), { token: renewed.session!.token });
  // The simulator serves only tokens of SEMS+ logins with the md5 password and the app fields.
  const sites = await goodwe.fetchSitesList(ctx);
  assert.equal(sites.length, 2);
  assert.deepEqual(sim.requests(ACCOUNT).paths, [
    SEMS_PLUS,
    "/eu/api/PowerStationMonitor/QueryPowerStationMonitor",
  ]);
});

Deno.test("renew sends SEMS+ the hashed password, the app fields and the app's token header", async () => {
  const canned = cannedFetch([{ code: "00000", data: { uid: "u", token: "t-123", timestamp: 1 } }]);
  const { logIn } = setup({ fetch: canned.fetch });
  const renewed = await logIn();
  const [login] = canned.requests;
  assert.equal(login.url, `http://sim.test${SEMS_PLUS}`);
  assert.deepEqual(JSON.parse(login.body), {
    account: ACCOUNT,
    // base64 of md5_hex("Secr3t-pw!")
    pwd: btoa("a451d1b841cdf8cf5a1c56982266d977"),
    agreement: 1,
    isChinese: false,
    isLocal: false,
  });
  assert.deepEqual(JSON.parse(login.headers.get("token")!), {
    version: "v3.1",
    client: "ios",
    language: "en",
  });
  // Without an api in the answer, PowerStation calls go to the classic EU API.
  assert.equal(renewed.session!.api, "https://eu.semsportal.com/api/");
  assert.deepEqual(JSON.parse(renewed.session!.token), { uid: "u", token: "t-123", timestamp: 1 });
});

Deno.test("renew follows the region the login answers: a US account's calls go to /us/api/", async () => {
  const { sim, ctx, logIn } = setup({ account: { region: "us" } });
  assert.equal((await logIn()).session!.api, "http://sim.test/us/api/");
  await goodwe.fetchSitesList(ctx);
  assert.equal(
    sim.requests(ACCOUNT).paths[1],
    "/us/api/PowerStationMonitor/QueryPowerStationMonitor",
  );
});

Deno.test("renew with GOODWE_LOGIN=legacy uses the classic CrossLogin and its plain password", async () => {
  const canned = cannedFetch([{
    code: 0,
    data: { token: "t", uid: "u" },
    api: "https://au.semsportal.com/api/",
  }]);
  const { logIn } = setup({ fetch: canned.fetch, vendor: { GOODWE_LOGIN: "legacy" } });
  const renewed = await logIn();
  assert.equal(canned.requests[0].url, `http://sim.test${CLASSIC}`);
  assert.deepEqual(JSON.parse(canned.requests[0].body), { account: ACCOUNT, pwd: PASSWORD });
  assert.equal(renewed.session!.api, "https://au.semsportal.com/api/");
  const live = setup({ vendor: { GOODWE_LOGIN: "legacy" } });
  await live.logIn();
  assert.equal((await goodwe.fetchSitesList(live.ctx)).length, 2);
  assert.deepEqual(live.sim.requests(ACCOUNT).paths.slice(0, 1), [CLASSIC]);
});

Deno.test("renew falls back to the classic login when both SEMS+ hosts answer 100004", async () => {
  const { sim, ctx, logIn } = setup({
    account: { semsPlusLogin: "parameter-error" },
    vendor: { GOODWE_LOGIN: "semsplus,legacy" },
  });
  const first = await logIn();
  assert.equal(first.session!.loginVariant, "legacy");
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 2);
  assert.deepEqual(sim.requests(ACCOUNT).paths.slice(0, 3), [SEMS_PLUS, EU_SEMS_PLUS, CLASSIC]);
  // The next renewal starts with the variant that worked: one login, not three.
  sim.resetRequests();
  await logIn();
  assert.deepEqual(sim.requests(ACCOUNT).paths, [CLASSIC]);
});

Deno.test("SEMS+ 100004 is fatal with what the operator must do, after at most two hosts", async () => {
  const { sim, logIn } = setup({ account: { semsPlusLogin: "parameter-error" } });
  await assert.rejects(
    logIn(),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      e.message ===
        'Cannot log in to GoodWe (SEMS+ global): GoodWe refused the SEMS+ login with code 100004, "parameter error" (100004 parameter error is GoodWe\'s answer to accounts that need a new password); log in to SEMS+ (semsplus.goodwe.com) in a browser and set a new password, then update the credential',
  );
  assert.deepEqual(sim.requests(ACCOUNT).paths, [SEMS_PLUS, EU_SEMS_PLUS]);
});

Deno.test("the classic login's token-less success has its own message, and SEMS+ 100004 wins", async () => {
  const { logIn } = setup({
    account: { legacyLogin: "no-token" },
    vendor: { GOODWE_LOGIN: "legacy" },
  });
  await assert.rejects(
    logIn(),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      e.message ===
        'Cannot log in to GoodWe (classic SEMS): GoodWe answered success (code 0, "Successful") without a usable session token, as it does for accounts it refuses since September 2026; log in to SEMS+ (semsplus.goodwe.com) in a browser and set a new password, then update the credential',
  );
  const both = setup({
    account: { semsPlusLogin: "parameter-error", legacyLogin: "no-token" },
    vendor: { GOODWE_LOGIN: "semsplus,legacy", GOODWE_REGION: "eu" },
  });
  await assert.rejects(
    both.logIn(),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      /^Cannot log in to GoodWe \(SEMS\+ eu\): .*100004/.test(e.message),
  );
  assert.deepEqual(both.sim.requests(ACCOUNT).paths, [EU_SEMS_PLUS, CLASSIC]);
});

Deno.test("a wrong password is fatal, quotes GoodWe and not the password, and skips the classic login", async () => {
  const { sim, logIn, setSecret } = setup({ vendor: { GOODWE_LOGIN: "semsplus,legacy" } });
  setSecret({ account: ACCOUNT, password: "wrong-horse-battery" });
  await assert.rejects(
    logIn(),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      /code 100005, "Email or password error"$/.test(e.message) &&
      !e.message.includes("wrong-horse-battery") && !e.message.includes(ACCOUNT),
  );
  // Detection asks the EU host once too; the classic login would only repeat the refusal.
  assert.deepEqual(sim.requests(ACCOUNT).paths, [SEMS_PLUS, EU_SEMS_PLUS]);
  const known = setup({ vendor: { GOODWE_REGION: "global" } });
  known.setSecret({ account: ACCOUNT, password: "wrong-horse-battery" });
  await assert.rejects(known.logIn(), FatalCredentialError);
  assert.equal(known.sim.requests(ACCOUNT).logins, 1);
});

Deno.test("detection finds an EU account on eu-semsplus once and renews there directly", async () => {
  const { sim, ctx, logIn } = setup({ account: { loginHost: "eu" } });
  const first = await logIn();
  assert.equal(first.session!.loginRegion, "eu");
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 2);
  await logIn();
  assert.deepEqual(sim.requests(ACCOUNT).paths.filter((p) => p.includes("login")), [
    SEMS_PLUS,
    EU_SEMS_PLUS,
    EU_SEMS_PLUS,
  ]);
});

Deno.test("a credential's region picks its host: cn logs in on cn-semsplus with isChinese true", async () => {
  const canned = cannedFetch([{ code: "00000", data: { uid: "u", token: "t-cn", timestamp: 1 } }]);
  const t = setup({ fetch: canned.fetch });
  t.setSecret({ account: ACCOUNT, password: PASSWORD, region: "cn" });
  const renewed = await t.logIn();
  assert.equal(canned.requests[0].url, `http://sim.test/cn-semsplus${SEMS_PLUS}`);
  assert.equal(JSON.parse(canned.requests[0].body).isChinese, true);
  assert.equal(renewed.region, "cn");
  assert.equal(renewed.session!.loginRegion, "cn");
  const live = setup({ account: { loginHost: "cn" } });
  live.setSecret({ account: ACCOUNT, password: PASSWORD, region: "cn" });
  await live.logIn();
  assert.equal((await goodwe.fetchSitesList(live.ctx)).length, 2);
  assert.deepEqual(live.sim.requests(ACCOUNT).paths.slice(0, 1), [`/cn-semsplus${SEMS_PLUS}`]);
  // GOODWE_REGION is the default for credentials that name none.
  const eu = setup({ account: { loginHost: "eu" }, vendor: { GOODWE_REGION: "eu" } });
  await eu.logIn();
  assert.deepEqual(eu.sim.requests(ACCOUNT).paths, [EU_SEMS_PLUS]);
});

Deno.test("the retired v2 CrossLogin's 'ver is not fund' names the setting to check", async () => {
  const canned = cannedFetch([{
    hasError: true,
    code: "100000",
    msg: "ver is not fund",
    data: null,
  }]);
  await assert.rejects(
    setup({ fetch: canned.fetch, vendor: { GOODWE_LOGIN: "legacy" } }).logIn(),
    (e: unknown) =>
      e instanceof VendorConfigError &&
      /code 100000, "ver is not fund", .*check GOODWE_LEGACY_LOGIN_URL \(this adapter calls \/api\/v3\/Common\/CrossLogin\)$/
        .test(e.message),
  );
});

Deno.test("GY0429 at login is retriable after the configured backoff, 300 s by default", async () => {
  const first = setup();
  first.sim.addFault({ kind: "GY0429", count: 1 });
  await assert.rejects(
    first.logIn(),
    (e: unknown) =>
      e instanceof RetriableError && e.retryAfterMs === 300_000 && /GY0429/.test(e.message),
  );
  const second = setup({ vendor: { GOODWE_RATE_LIMIT_BACKOFF_SECONDS: "120" } });
  second.sim.addFault({ kind: "GY0429", count: 1 });
  await assert.rejects(
    second.logIn(),
    (e: unknown) => (e as RetriableError).retryAfterMs === 120_000,
  );
});

Deno.test("an HTML page, a cut-off body or 100000 at login is retriable", async () => {
  for (const kind of ["html", "malformed"] as const) {
    const { sim, logIn } = setup();
    sim.addFault({ kind, count: 1 });
    await assert.rejects(
      logIn(),
      (e: unknown) => e instanceof RetriableError && /instead of JSON$/.test(e.message),
    );
  }
  const canned = cannedFetch([{ hasError: true, code: 100000, msg: "system error" }]);
  await assert.rejects(setup({ fetch: canned.fetch }).logIn(), RetriableError);
  // A 502 from the proxy is retried by the HTTP layer and the login then succeeds.
  const flaky = setup();
  flaky.sim.addFault({ kind: "5xx", count: 1 });
  assert.ok((await flaky.logIn()).session);
});

Deno.test("a login endpoint that is not there is a configuration error, or the next variant", async () => {
  const moved = setup({ vendor: { GOODWE_LOGIN_URL: "http://sim.test/old" } });
  await assert.rejects(
    moved.logIn(),
    (e: unknown) =>
      e instanceof VendorConfigError && /HTTP 404; check GOODWE_LOGIN_URL$/.test(e.message),
  );
  const fallback = setup({
    vendor: { GOODWE_LOGIN_URL: "http://sim.test/old", GOODWE_LOGIN: "semsplus,legacy" },
  });
  assert.equal((await fallback.logIn()).session!.api, "http://sim.test/eu/api/");
});

Deno.test("a login that succeeds without a token is fatal: the account needs another login", async () => {
  const canned = cannedFetch([{ hasError: false, code: 0, msg: "ok", data: { token: "" } }]);
  await assert.rejects(
    setup({ fetch: canned.fetch, vendor: { GOODWE_LOGIN: "legacy" } }).logIn(),
    (e: unknown) =>
      e instanceof FatalCredentialError && /without a usable session token/.test(e.message),
  );
});

Deno.test("isExpired recognises 100001 and 100002; a run's second login is refused", async () => {
  const { sim, ctx, call, logIn } = setup();
  await logIn(call);
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 2);
  sim.expireSessions(ACCOUNT);
  const request = {
    url: `${ctx.secret.session!.api}PowerStation/GetPowerStationIdByOwner`,
    method: "POST",
    label: "owner",
  };
  const expired = await ctx.http(request);
  assert.equal(JSON.parse(expired.text).code, 100002);
  assert.equal(tokens.isExpired!(expired), true);
  // Seen by the adapter itself (after the core's one renewal) in a run whose calls worked, it
  // concerns this call only: a bad record, not the credential.
  await assert.rejects(
    goodwe.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof BadRecordError &&
      /code 100002.*even after a new login, while the account's other calls/.test(e.message),
  );
  // The same run does not log in twice; the next run does.
  await assert.rejects(
    logIn(call),
    (e: unknown) => e instanceof RetriableError && /again in this run/.test(e.message),
  );
  assert.equal(sim.requests(ACCOUNT).logins, 1);
  await logIn();
  assert.equal((await goodwe.fetchSitesList(ctx)).length, 2);
  assert.equal(sim.requests(ACCOUNT).logins, 2);
});

Deno.test("100002 right after a fresh login means the account is refused: fatal, one login", async () => {
  const { sim, ctx, call, logIn } = setup({ account: { refused: true } });
  await logIn(call);
  await assert.rejects(
    goodwe.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError &&
      e.message ===
        'Cannot use GoodWe account: GoodWe answered code 100002, "The authorization has expired, please log in again" right after a fresh login, so the account itself is refused; log in to SEMS+ (semsplus.goodwe.com) in a browser and set a new password, then update the credential',
  );
  // Asked to renew again in the same run (the core does after 100002), the login refuses too.
  await assert.rejects(
    logIn(call),
    (e: unknown) =>
      e instanceof FatalCredentialError && /account itself is refused/.test(e.message),
  );
  assert.equal(sim.requests(ACCOUNT).logins, 1);
});

Deno.test("isExpired sees 100001 from another region and ignores other answers", async () => {
  const { ctx, logIn, setSecret } = setup();
  const secret = await logIn();
  setSecret({ ...secret, session: { ...secret.session!, api: "http://sim.test/au/api/" } });
  const wrongRegion = await ctx.http({
    url: "http://sim.test/au/api/PowerStation/GetPowerStationIdByOwner",
    method: "POST",
    label: "owner",
  });
  assert.equal(tokens.isExpired!(wrongRegion), true);
  const result = (status: number, text: string) => ({ status, headers: new Headers(), text });
  assert.equal(tokens.isExpired!(result(200, '{"code":"100001"}')), true);
  assert.equal(tokens.isExpired!(result(200, '{"code":0,"data":"x"}')), false);
  assert.equal(tokens.isExpired!(result(200, '{"code":"GY0429"}')), false);
  assert.equal(tokens.isExpired!(result(200, "<html>")), false);
  assert.equal(tokens.isExpired!(result(200, "null")), false);
  assert.equal(tokens.isExpired!(result(502, '{"code":100002}')), false);
});

Deno.test({
  name: "renew reads the real classic login answer in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  async fn() {
    const body = JSON.parse(Deno.readTextFileSync(new URL("crosslogin_ok.json", sharedDir)));
    const canned = cannedFetch([body]);
    const renewed = await setup({ fetch: canned.fetch, vendor: { GOODWE_LOGIN: "legacy" } })
      .logIn();
    assert.equal(renewed.session!.api, "https://eu.semsportal.com/api/");
    assert.deepEqual(JSON.parse(renewed.session!.token), body.data);
    assert.equal(renewed.session!.issuedAt, new Date(1757355815062).toISOString());
    assert.ok(goodwe.parseSecret(renewed).sensitive.includes("test-token-abc123"));
  },
});
