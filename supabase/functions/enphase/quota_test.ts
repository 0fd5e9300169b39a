/**
 * The monthly quota: with a plan of N calls a month the fetcher makes at most N calls, then
 * pauses the credential for the rest of the month instead of earning 429s; the watermark of the
 * sites it could not fetch stays where it was.
 */
import assert from "node:assert/strict";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { enphase } from "./adapter.ts";
import { connectedEnphase } from "./connected_testing.ts";
import { runEnphaseOnce } from "./run_testing.ts";

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
