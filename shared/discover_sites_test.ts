import assert from "node:assert/strict";
import { discoverSites } from "./discover_sites.ts";
import { solarEdgeWorld } from "./testing/solaredge_world.ts";

Deno.test("a connect flow's discovery stores names without control characters", async () => {
  const { sim, store, creds, deps } = await solarEdgeWorld();
  sim.addAccount({
    apiKey: "NUL-KEY-0004",
    sites: [
      { siteId: 41, name: "Bad\u0000roof", timeZone: "Europe/Berlin", peakPowerKw: 3 },
      { siteId: 42, name: "Good roof", timeZone: "Europe/Berlin", peakPowerKw: 3 },
    ],
  });
  const row = {
    ...creds[0],
    id: "nul",
    secret: await deps.keyring.encrypt('{"apiKey":"NUL-KEY-0004"}'),
  };
  store.creds.push(row);
  const sites = await discoverSites(deps.adapter, row, {
    config: { baseUrls: { solaredge: deps.baseUrl }, vendors: {} },
    store,
    keyring: deps.keyring,
    logger: deps.logger,
    now: deps.now,
    http: deps.http,
  });
  assert.deepEqual(sites.map((s) => [s.vendor_site_id, s.name]), [["41", "Badroof"], [
    "42",
    "Good roof",
  ]]);
});
