/**
 * How the adapter's failures are classified: what disables a credential, what blames the app's
 * configuration, what skips one system, and what is retried. Set-up in shared/testing/enphase_sim.ts.
 */
import assert from "node:assert/strict";
import { enphase } from "./adapter.ts";
import {
  BadRecordError,
  FatalCredentialError,
  RetriableError,
  VendorConfigError,
} from "../../../shared/errors.ts";
import {
  APP,
  cannedContext,
  day,
  OTHER_APP,
  setupEnphase,
  VENDOR,
} from "../../../shared/testing/enphase_sim.ts";

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

Deno.test("an API key of another app is a configuration error, not the customer's", async () => {
  const { connect, context } = setupEnphase();
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
  const { sim, connect, context, advance } = setupEnphase();
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
  const { connect, context } = setupEnphase();
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
  const { sim, connect, context, sleeps } = setupEnphase();
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

Deno.test("the Watt plan's minute limit is waited out; a spent month is not retried", async () => {
  const { sim, connect, context, setClock, sleeps } = setupEnphase();
  const ctx = context(await connect());
  sim.addApp({ ...APP, perMinute: 1 });
  setClock("2026-06-15T12:07:59.000Z");
  const window = day("2026-06-15T00:00:00Z", "2026-06-15T12:00:00Z");
  const data = await enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, window);
  assert.equal(data.responses.length, 2);
  // The meter call met the minute's 429 and went through once the next calendar minute began.
  assert.ok(sim.requests(APP.apiKey).count > 2);
  assert.ok(sleeps.length >= 1 && sleeps.reduce((a, b) => a + b, 0) >= 1_000);
  // The two calls that went through spent a month of two.
  sim.addApp({ ...APP, perMonth: 2 });
  sim.resetRequests();
  const slept = sleeps.length;
  await assert.rejects(
    enphase.fetchSiteData(ctx, { vendorSiteId: "2875" }, window),
    (e: unknown) =>
      e instanceof RetriableError && e.status === 429 &&
      /the Enphase application's monthly quota is spent/.test(e.message) &&
      /production_micro: .*pauses until 2026-07-01$/.test(e.message) &&
      // Until the month ends (the body's period_end): the run pauses this credential.
      e.retryAfterMs! >= Date.parse("2026-07-01T00:00:00Z") - Date.parse("2026-06-15T12:09:00Z"),
  );
  assert.equal(sim.requests(APP.apiKey).count, 1);
  assert.equal(sleeps.length, slept);
});

Deno.test("a missing ENPHASE_API_KEY stops before any request", async () => {
  const { sim, connect, context } = setupEnphase();
  const ctx = context(await connect(), { ...VENDOR, ENPHASE_API_KEY: undefined });
  await assert.rejects(
    enphase.fetchSitesList(ctx),
    (e: unknown) =>
      e instanceof VendorConfigError &&
      e.message === "Cannot call Enphase: ENPHASE_API_KEY is not set",
  );
  assert.equal(sim.requests(APP.apiKey).count, 0);
});
