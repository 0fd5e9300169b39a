/**
 * The adapter against the Enphase simulator, in-process: the simulator's handler is injected as
 * `fetch`, the clock is fixed and moved only by the retry sleeps, and the AdapterContext is built
 * here the way the core builds it, so OAuth, paging, day chunks and retries run without a network.
 */
import assert from "node:assert/strict";
import { enphase, type EnphaseSecret } from "./adapter.ts";
import { createEnphaseSimulator, type SimUser } from "../../../local/simulators/enphase.ts";
import {
  BadRecordError,
  FatalCredentialError,
  RetriableError,
  VendorConfigError,
} from "../../../shared/errors.ts";
import { fetchWithRetry, type HttpOptions } from "../../../shared/http.ts";
import { createLogger } from "../../../shared/logger.ts";
import type { AdapterContext, TokenCall, VendorConfig } from "../../../shared/types.ts";

const NOW = Date.parse("2026-06-15T12:07:00Z");
const BASE = "http://sim.test/api/v4";
const REDIRECT = "https://fetcher.test/enphase/callback";
const APP = { clientId: "client-a", clientSecret: "secret-a-123", apiKey: "KEY-A-123456" };
const OTHER_APP = { clientId: "client-b", clientSecret: "secret-b-456", apiKey: "KEY-B-654321" };
const VENDOR: VendorConfig = {
  ENPHASE_CLIENT_ID: APP.clientId,
  ENPHASE_CLIENT_SECRET: APP.clientSecret,
  ENPHASE_API_KEY: APP.apiKey,
  ENPHASE_AUTH_URL: "http://sim.test",
};
const OWNER: SimUser = {
  email: "owner@example.com",
  password: "owner-pass",
  systems: [
    { systemId: 2875, name: "Albany", timeZone: "America/New_York", peakPowerKw: 6.4 },
    { systemId: 5254, name: "Sydney", timeZone: "Australia/Sydney", peakPowerKw: 8 },
  ],
};

function setup(options: { systems?: SimUser["systems"] } = {}) {
  let clock = NOW;
  const sim = createEnphaseSimulator({ now: () => new Date(clock) });
  sim.addApp(APP);
  sim.addApp({ ...OTHER_APP, plan: "Kilowatt" });
  sim.addUser({ ...OWNER, systems: options.systems ?? OWNER.systems });
  sim.addUser({
    email: "neighbour@example.com",
    password: "p",
    systems: [{ systemId: 9001, name: "Lyon", timeZone: "Europe/Paris", peakPowerKw: 4 }],
  });
  const sleeps: number[] = [];
  const lines: string[] = [];
  const http: HttpOptions = {
    fetch:
      ((input: string, init?: RequestInit) =>
        sim.handler(new Request(input, init))) as typeof fetch,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    random: () => 0.5,
    fatalMessage: (status) => enphase.describeFatal?.(status),
  };
  const call: TokenCall = (req) => fetchWithRetry(req, http);
  const context = (
    secret: EnphaseSecret,
    vendorConfig = VENDOR,
  ): AdapterContext<EnphaseSecret> => ({
    baseUrl: BASE,
    secret,
    vendorConfig,
    plan: {},
    now: () => new Date(clock),
    logger: createLogger({ write: (l) => lines.push(l) }),
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...enphase.authHeaders(secret) } }, http),
  });
  /** The homeowner approves in the browser; the callback exchanges the code. */
  const connect = async (vendorConfig = VENDOR, email = OWNER.email) => {
    const url = enphase.connect!.authorizeUrl(vendorConfig, REDIRECT, "state-1");
    const approved = await sim.handler(new Request(`${url}&approve_as=${email}`));
    const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
    return await enphase.connect!.exchangeCode(call, vendorConfig, code, REDIRECT);
  };
  return {
    sim,
    call,
    context,
    connect,
    sleeps,
    lines,
    setClock: (iso: string) => clock = Date.parse(iso),
    advance: (ms: number) => clock += ms,
  };
}

const day = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

const SECRET: EnphaseSecret = {
  accessToken: "access-canned",
  refreshToken: "refresh-canned",
  expiresAt: "2026-06-16T12:00:00.000Z",
};

/** A context whose vendor answers each request with the next canned body and status. */
function cannedContext(answers: Array<{ status: number; body: unknown }>) {
  const urls: string[] = [];
  const fetch = ((input: string) => {
    urls.push(input);
    const next = answers.shift()!;
    return Promise.resolve(Response.json(next.body, { status: next.status }));
  }) as typeof globalThis.fetch;
  const ctx: AdapterContext<EnphaseSecret> = {
    baseUrl: BASE,
    secret: SECRET,
    vendorConfig: VENDOR,
    plan: {},
    now: () => new Date(NOW),
    logger: createLogger({ write: () => {} }),
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...enphase.authHeaders(SECRET) } }, {
        fetch,
        fatalMessage: (status) => enphase.describeFatal?.(status),
      }),
  };
  return { ctx, urls };
}

const sharedDir = new URL("../../../../shared/fixtures/vendors/enphase/", import.meta.url);
const sharedPresent = (() => {
  try {
    return Deno.statSync(sharedDir).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("connect sends the homeowner to Enphase and exchanges the code once", async () => {
  const { sim, call } = setup();
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

Deno.test("fetchSitesList pages /systems by 100 with the key and the bearer token", async () => {
  const systems = Array.from({ length: 230 }, (_, i) => ({
    systemId: 10_000 + i,
    name: `System ${i}`,
    timeZone: i % 2 ? "Europe/Berlin" : "US/Eastern",
    peakPowerKw: 5,
  }));
  const { sim, connect, context } = setup({ systems });
  const listed = await enphase.fetchSitesList(context(await connect()));
  assert.equal(listed.length, 230);
  assert.deepEqual(listed[1], {
    vendorSiteId: "10001",
    name: "System 1",
    timezone: "Europe/Berlin",
  });
  assert.equal(listed[0].timezone, "US/Eastern");
  assert.deepEqual(
    sim.requests(APP.apiKey).urls,
    [1, 2, 3].map((page) => `/api/v4/systems?key=${APP.apiKey}&page=${page}&size=100`),
  );
});

Deno.test("fetchSitesList reads the published shape and skips a system without an id", async () => {
  const body = JSON.parse(
    Deno.readTextFileSync(new URL("./testdata/systems.json", import.meta.url)),
  );
  const { ctx, urls } = cannedContext([{ status: 200, body }]);
  assert.deepEqual(await enphase.fetchSitesList(ctx), [
    { vendorSiteId: "4100231", name: "Bondi rooftop", timezone: "Australia/Sydney" },
    { vendorSiteId: "4100232", name: "Carport", timezone: "US/Eastern" },
  ]);
  // `total` counts the system without an id too, so one page is enough.
  assert.equal(urls.length, 1);
});

Deno.test("a 403 on the systems list disables the credential with a reason", async () => {
  const forbidden = {
    message: "Forbidden",
    details: "Not authorized to access this resource",
    code: 403,
  };
  const { ctx } = cannedContext([{ status: 403, body: forbidden }]);
  await assert.rejects(
    enphase.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 403 &&
      /connect the account again/.test(e.message),
  );
});

Deno.test({
  name: "fetchSitesList reads the real systems list in ../shared (skipped when absent)",
  ignore: !sharedPresent,
  async fn() {
    const body = JSON.parse(Deno.readTextFileSync(new URL("enphase-systems-01.json", sharedDir)));
    const { ctx } = cannedContext([{ status: 200, body }]);
    assert.deepEqual(await enphase.fetchSitesList(ctx), [
      { vendorSiteId: "2875", name: "Site 1", timezone: "US/Eastern" },
      { vendorSiteId: "5254", name: "Site 2", timezone: "US/Eastern" },
    ]);
  },
});

Deno.test("fetchSiteData reads a day of micro and meter telemetry as UTC interval ends", async () => {
  const { connect, context } = setup();
  const window = day("2026-06-14T12:00:00Z", "2026-06-15T12:00:00Z");
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "2875", timezone: "America/New_York" },
    window,
  );
  assert.equal(data.responses.length, 2);
  assert.deepEqual(data.responses.map((r) => r.endpoint), [
    "/systems/{system_id}/telemetry/production_micro",
    "/systems/{system_id}/telemetry/production_meter",
  ]);
  const startAt = Date.parse("2026-06-14T12:00:00Z") / 1000;
  assert.equal(
    data.responses[0].request.url,
    `${BASE}/systems/2875/telemetry/production_micro?key=[redacted]&start_at=${startAt}&granularity=day`,
  );
  assert.ok(!JSON.stringify(data.responses).includes(APP.apiKey));
  assert.equal(data.intervalsExpected, 288 + 96);
  assert.equal(data.intervalsReceived, 288 + 96);
  assert.equal(data.dropped, 0);
  const count = (metric: string, device?: string) =>
    data.readings.filter((r) => r.metric === metric && r.device === device).length;
  assert.deepEqual([count("power_w"), count("energy_wh"), count("energy_wh", "production_meter")], [
    288,
    288,
    96,
  ]);
  for (const r of data.readings) {
    const t = Date.parse(r.ts);
    assert.ok(t > window.from.getTime() && t <= window.to.getTime(), r.ts);
  }
  // 17:00Z is 13:00 in Albany in June: the micros are producing.
  const noon = data.readings.find((r) => r.ts === "2026-06-14T17:00:00.000Z" && !r.device);
  assert.ok(noon && noon.value > 0);
});

Deno.test("fetchSiteData keeps only intervals that end inside (from, to]", async () => {
  const from = Date.parse("2026-06-15T10:00:00Z") / 1000;
  const to = from + 3600;
  // Vendors are not always exact about their own bounds (the real capture has intervals past its
  // end_at), so the adapter filters on its own window.
  const micro = {
    intervals: [from, from + 300, to, to + 300].map((end_at) => ({ end_at, powr: 12, enwh: 1 })),
  };
  const meter = { intervals: [from, to].map((end_at) => ({ end_at, wh_del: 3 })) };
  const { ctx } = cannedContext([{ status: 200, body: micro }, { status: 200, body: meter }]);
  const data = await enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, {
    from: new Date(from * 1000),
    to: new Date(to * 1000),
  });
  assert.deepEqual([...new Set(data.readings.map((r) => r.ts))], [
    "2026-06-15T10:05:00.000Z",
    "2026-06-15T11:00:00.000Z",
  ]);
  assert.deepEqual([data.intervalsExpected, data.intervalsReceived], [12 + 4, 2 + 1]);
});

Deno.test("fetchSiteData splits a longer window into day calls without duplicate readings", async () => {
  const { sim, connect, context } = setup();
  const window = day("2026-06-13T06:00:00Z", "2026-06-14T12:00:00Z");
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "5254" },
    window,
  );
  const starts = sim.requests(APP.apiKey).urls.map((u) =>
    new URL(u, BASE).searchParams.get("start_at")
  );
  const first = Date.parse("2026-06-13T06:00:00Z") / 1000;
  assert.deepEqual(starts, [first, first + 86_400, first, first + 86_400].map(String));
  assert.equal(data.intervalsExpected, 30 * 12 + 30 * 4);
  assert.equal(data.intervalsReceived, data.intervalsExpected);
  const keys = data.readings.map((r) => `${r.metric}/${r.device}@${r.ts}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(data.readings.length, 30 * 12 * 2 + 30 * 4);
});

Deno.test("fetchSiteData stops at now and asks nothing for a window in the future", async () => {
  const { sim, connect, context } = setup();
  const ctx = context(await connect());
  const site = { vendorSiteId: "2875", timezone: "America/New_York" };
  const open = await enphase.fetchSiteData(
    ctx,
    site,
    day("2026-06-15T11:00:00Z", "2026-06-15T13:00:00Z"),
  );
  assert.equal(open.intervalsExpected, 24 + 8);
  // Clock 12:07: micro intervals end 11:05 to 12:05, meter 11:15 to 12:00.
  assert.equal(open.intervalsReceived, 13 + 4);
  const later = await enphase.fetchSiteData(
    ctx,
    site,
    day("2026-06-15T12:30:00Z", "2026-06-15T13:00:00Z"),
  );
  assert.deepEqual([later.responses.length, later.readings.length], [0, 0]);
  assert.equal(sim.requests(APP.apiKey).count, 2);
});

Deno.test("fetchSiteData takes empty intervals past the last report as no data, not an error", async () => {
  const { connect, context } = setup();
  const data = await enphase.fetchSiteData(
    context(await connect()),
    { vendorSiteId: "2875" },
    day("2026-06-15T12:06:00Z", "2026-06-15T12:07:00Z"),
  );
  assert.deepEqual(data.responses.map((r) => (r.body as { intervals: unknown[] }).intervals), [
    [],
    [],
  ]);
  assert.deepEqual([data.readings.length, data.dropped, data.intervalsReceived], [0, 0, 0]);
});

Deno.test("an API key of another app is a configuration error, not the customer's", async () => {
  const { connect, context } = setup();
  const secret = await connect();
  const ctx = context(secret, { ...VENDOR, ENPHASE_API_KEY: OTHER_APP.apiKey });
  for (
    const run of [
      () => enphase.fetchSitesList(ctx),
      () =>
        enphase.fetchSiteData(
          ctx,
          { vendorSiteId: "2875" },
          day("2026-06-15T00:00:00Z", "2026-06-15T12:00:00Z"),
        ),
    ]
  ) {
    await assert.rejects(
      run(),
      (e: unknown) =>
        e instanceof VendorConfigError && /API Key -Client mismatch/.test(e.message) &&
        !e.message.includes(OTHER_APP.apiKey) && !e.message.includes(secret.accessToken),
    );
  }
});

Deno.test("a 401 the core could not cure is fatal for the credential with Enphase's words", async () => {
  const { sim, connect, context, advance } = setup();
  sim.setAccessTokenLifetime(60);
  const secret = await connect();
  advance(61_000);
  await assert.rejects(
    enphase.fetchSitesList(context(secret)),
    (e: unknown) =>
      e instanceof FatalCredentialError && e.status === 401 &&
      e.message === "Cannot call Enphase /systems: Enphase rejected the access token (HTTP 401): " +
          "User is not authorized",
  );
});

Deno.test("an unknown system is a bad record, and so is another owner's", async () => {
  const { connect, context } = setup();
  const ctx = context(await connect());
  const window = day("2026-06-15T00:00:00Z", "2026-06-15T12:00:00Z");
  await assert.rejects(
    enphase.fetchSiteData(ctx, { vendorSiteId: "123" }, window),
    (e: unknown) =>
      e instanceof BadRecordError && e.status === 404 &&
      e.message ===
        "Cannot call Enphase /systems/123/telemetry/production_micro: received HTTP 404",
  );
  await assert.rejects(
    enphase.fetchSiteData(ctx, { vendorSiteId: "9001" }, window),
    (e: unknown) => e instanceof BadRecordError && e.status === 403,
  );
});

Deno.test("a 429 with Enphase's JSON body and no Retry-After is retried after a backoff", async () => {
  const { sim, connect, context, sleeps } = setup();
  const ctx = context(await connect());
  sim.addFault({ kind: "429", count: 1 });
  const data = await enphase.fetchSiteData(
    ctx,
    { vendorSiteId: "2875" },
    day("2026-06-15T00:00:00Z", "2026-06-15T12:00:00Z"),
  );
  assert.equal(data.responses.length, 2);
  assert.equal(sleeps.length, 1);
  assert.equal(sim.requests(APP.apiKey).count, 3);
});

Deno.test("the Watt plan's minute limit is waited out; a spent month is retriable", async () => {
  const { sim, connect, context, setClock, sleeps } = setup();
  const ctx = context(await connect());
  sim.addApp({ ...APP, perMinute: 1 });
  setClock("2026-06-15T12:07:59.000Z");
  const window = day("2026-06-15T00:00:00Z", "2026-06-15T12:00:00Z");
  const data = await enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, window);
  assert.equal(data.responses.length, 2);
  // The meter call met the limit and went through once the next calendar minute began.
  assert.ok(sleeps.length >= 1 && sleeps.reduce((a, b) => a + b, 0) >= 1_000);
  sim.addApp({ ...APP, perMonth: 3 });
  await assert.rejects(
    enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, window),
    (e: unknown) => e instanceof RetriableError && e.status === 429,
  );
});

Deno.test("renew rotates the refresh token and the old one is then refused", async () => {
  const { sim, call, connect, context } = setup();
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
  const { sim, call, connect } = setup();
  const secret = await connect();
  sim.revokeRefreshTokens(OWNER.email);
  await assert.rejects(
    enphase.tokens!.renew(call, secret, VENDOR),
    (e: unknown) => e instanceof FatalCredentialError && /invalid_grant/.test(e.message),
  );
});

Deno.test("renew with a wrong client secret blames the app configuration", async () => {
  const { call, connect } = setup();
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
  const { sim, call, connect, sleeps } = setup();
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

Deno.test("a missing ENPHASE_API_KEY stops before any request", async () => {
  const { sim, connect, context } = setup();
  const ctx = context(await connect(), { ...VENDOR, ENPHASE_API_KEY: undefined });
  await assert.rejects(
    enphase.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof VendorConfigError &&
      e.message === "Cannot call Enphase: ENPHASE_API_KEY is not set",
  );
  assert.equal(sim.requests(APP.apiKey).count, 0);
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
