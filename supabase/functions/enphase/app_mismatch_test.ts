/**
 * "API Key - Client mismatch" is the application's fault, not the customer's: the run stops with
 * a configuration error and no credential is set to needs_reauth.
 */
import assert from "node:assert/strict";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { enphase } from "./adapter.ts";
import { connectedEnphase } from "../../../shared/testing/enphase_connected.ts";
import { runEnphaseOnce } from "../../../shared/testing/enphase_run.ts";

const NOW = new Date("2026-06-15T14:07:00Z");

Deno.test("an API key of another app stops the run as a configuration error", async () => {
  const { sim, secret, vendor } = await connectedEnphase({
    prefix: "mismatch",
    now: () => NOW,
    systems: [{ systemId: 901, name: "One", timeZone: "Europe/Prague", peakPowerKw: 5 }],
  });
  sim.addApp({
    clientId: "other-client",
    clientSecret: "other-secret",
    apiKey: "other-api-key-1",
    plan: "Partner",
  });
  const wrong = { ...vendor, ENPHASE_API_KEY: "other-api-key-1" };
  const { store, keyring } = await simContext(enphase, secret, {
    handler: sim.handler,
    baseUrl: "http://sim.test/api/v4",
    vendorConfig: wrong,
    now: NOW,
  });
  const summary = await runEnphaseOnce({
    store,
    keyring,
    vendor: wrong,
    handler: sim.handler,
    now: NOW,
  });
  assert.match(summary.stopReason ?? "", /mismatch/i);
  assert.equal(store.creds[0].status, "active");
  assert.equal(store.credentialStatus.size, 0);
  const run = [...store.runs.values()][0];
  assert.match(run.error ?? "", /mismatch/i);
});
