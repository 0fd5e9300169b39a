/**
 * An access token that expires in the middle of a run (the vendor's clock says so before ours
 * does): the core renews once on the 401, stores the rotated refresh token, and the run goes on.
 */
import assert from "node:assert/strict";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { enphase } from "./adapter.ts";
import { connectedEnphase } from "../../../shared/testing/enphase_connected.ts";
import { runEnphaseOnce } from "../../../shared/testing/enphase_run.ts";

const NOW = Date.parse("2026-06-15T14:07:00Z");

Deno.test("expiry in the middle of a run renews the token once and the run continues", async () => {
  let vendorClock = NOW;
  const { sim, secret, vendor: VENDOR } = await connectedEnphase({
    prefix: "mid",
    now: () => new Date(vendorClock),
    systems: [
      { systemId: 501, name: "First", timeZone: "Europe/Vienna", peakPowerKw: 5 },
      { systemId: 502, name: "Second", timeZone: "Europe/Vienna", peakPowerKw: 5 },
    ],
  });

  // The vendor's clock jumps two days when the second system is first asked for.
  let jumped = false;
  const handler = (req: Request) => {
    if (!jumped && req.url.includes("/systems/502/")) {
      jumped = true;
      vendorClock += 2 * 86_400_000;
    }
    return sim.handler(req);
  };
  const { store, keyring } = await simContext(enphase, secret, {
    handler,
    baseUrl: "http://sim.test/api/v4",
    vendorConfig: VENDOR,
    now: new Date(NOW),
  });
  const grantsBefore = sim.tokenRequests().grants.length;
  const summary = await runEnphaseOnce({
    store,
    keyring,
    vendor: VENDOR,
    handler: handler,
    now: new Date(NOW),
  });
  assert.ok(jumped);
  assert.equal(summary.counts.sitesSucceeded, 2, JSON.stringify(summary.sites));
  assert.deepEqual(sim.tokenRequests().grants.slice(grantsBefore), ["refresh_token"]);
  const stored = JSON.parse(await keyring.decrypt(store.creds[0].secret));
  assert.notEqual(stored.refreshToken, secret.refreshToken);
  assert.equal(store.creds[0].status, "active");
});
