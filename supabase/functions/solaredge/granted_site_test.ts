/**
 * The site list of a Site Access credential: the granted site, with its name and zone from
 * `GET /sites/{id}` while none is stored, and no call at all (no credit) once one is.
 */
import assert from "node:assert/strict";
import { solaredge } from "./adapter.ts";
import { HOME, setupSiteAccess } from "../../../shared/testing/solaredge_site_access.ts";

Deno.test("a Site Access credential lists its granted site and never calls /sites", async () => {
  const { connect, open, sent } = setupSiteAccess();
  const { ctx } = await open(await connect());
  const before = sent.length;
  assert.deepEqual(await solaredge.fetchSitesList(ctx, new Map()), [
    { vendorSiteId: String(HOME.siteId), name: HOME.name, timezone: HOME.timeZone },
  ]);
  assert.deepEqual(
    sent.slice(before).map((s) => new URL(s.url).pathname),
    [`/v2/sites/${HOME.siteId}`],
  );
  // With the zone stored the grant alone names the site: no credit is spent.
  const known = new Map([[String(HOME.siteId), HOME.timeZone]]);
  assert.deepEqual(await solaredge.fetchSitesList(ctx, known), [
    { vendorSiteId: String(HOME.siteId) },
  ]);
  assert.equal(sent.length, before + 1);
});

Deno.test("site details SolarEdge cannot give leave the granted site listed without them", async () => {
  const { connect, open, sim } = setupSiteAccess();
  const { ctx } = await open(await connect());
  sim.addFault({ kind: "html", count: 10, path: `/v2/sites/${HOME.siteId}` });
  assert.deepEqual(await solaredge.fetchSitesList(ctx), [
    { vendorSiteId: String(HOME.siteId), name: undefined, timezone: undefined },
  ]);
});
