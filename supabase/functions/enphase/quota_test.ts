/**
 * The monthly quota: with a plan of N calls a month the fetcher makes at most N calls, then
 * pauses the credential for the rest of the month instead of earning 429s; the watermark of the
 * sites it could not fetch stays where it was.
 */
import assert from "node:assert/strict";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { enphase } from "./adapter.ts";
import { connectedEnphase } from "../../../shared/testing/enphase_connected.ts";
import { runEnphaseOnce } from "../../../shared/testing/enphase_run.ts";

const NOW = new Date("2026-06-15T14:07:00Z");

Deno.test("a spent monthly quota pauses the credential at the limit, not after it", async () => {
  const { sim, secret, vendor: VENDOR } = await connectedEnphase({
    prefix: "quota",
    now: () => NOW,
    systems: [
      { systemId: 801, name: "One", timeZone: "Europe/Rome", peakPowerKw: 5 },
      { systemId: 802, name: "Two", timeZone: "Europe/Rome", peakPowerKw: 5 },
    ],
  });
  const { store, keyring } = await simContext(enphase, secret, {
    handler: sim.handler,
    baseUrl: "http://sim.test/api/v4",
    vendorConfig: VENDOR,
    now: NOW,
    plan: { perMonth: 3 },
  });
  const summary = await runEnphaseOnce({
    store,
    keyring,
    vendor: VENDOR,
    handler: sim.handler,
    now: NOW,
  });
  assert.equal(sim.requests(VENDOR.ENPHASE_API_KEY).count, 3);
  assert.equal(summary.counts.sitesSucceeded, 1);
  const paused = summary.sites.find((s) => s.status !== "succeeded")!;
  assert.match(paused.error!, /3 calls for 2026-06 are spent; calls resume on 2026-07-01/);
  assert.equal(store.creds[0].status, "active");
  const site = store.sites.find((s) => s.vendor_site_id === paused.vendorSiteId)!;
  assert.equal(site.synced_through, null);
});

Deno.test("Enphase's 429 for the month pauses the credential at once, naming the app's quota", async () => {
  const { sim, secret, vendor: VENDOR } = await connectedEnphase({
    prefix: "app-month",
    now: () => NOW,
    systems: [801, 802, 803].map((systemId) => ({
      systemId,
      name: `System ${systemId}`,
      timeZone: "Europe/Rome",
      peakPowerKw: 5,
    })),
  });
  // The app's quota is spent by other homeowners' systems: the credential's own budget is not.
  sim.addApp({
    clientId: VENDOR.ENPHASE_CLIENT_ID,
    clientSecret: VENDOR.ENPHASE_CLIENT_SECRET,
    apiKey: VENDOR.ENPHASE_API_KEY,
    plan: "Watt",
    perMonth: 3,
  });
  const { store, keyring } = await simContext(enphase, secret, {
    handler: sim.handler,
    baseUrl: "http://sim.test/api/v4",
    vendorConfig: VENDOR,
    now: NOW,
  });
  const summary = await runEnphaseOnce({
    store,
    keyring,
    vendor: VENDOR,
    handler: sim.handler,
    now: NOW,
  });
  // /systems and one system's two calls, then a single 429: no retry, no call for the third.
  assert.equal(sim.requests(VENDOR.ENPHASE_API_KEY).count, 4);
  // A pause is no failure of the sites: they are deferred and say why on their status.
  assert.deepEqual(summary.sites.map((s) => s.status), ["succeeded", "deferred", "deferred"]);
  for (const site of store.sites.filter((s) => s.vendor_site_id !== "801")) {
    assert.equal(site.consecutive_failures, 0);
    assert.match(site.last_error!, /monthly quota is spent/);
  }
  const reason = "Cannot call Enphase /systems/802/telemetry/production_micro: the Enphase " +
    "application's monthly quota is spent (HTTP 429: Usage limit exceeded for plan Watt); it is " +
    "shared by every homeowner the app reads, so this credential pauses until 2026-07-01";
  // The paused system says so; the next one says it was not fetched, and why.
  assert.equal(summary.sites[1].error, reason);
  assert.equal(
    summary.sites[2].error,
    `Not fetched: the vendor paused this credential at site 802: ${reason}`,
  );
  assert.equal(store.creds[0].status, "active");
});
