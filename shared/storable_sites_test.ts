import assert from "node:assert/strict";
import { storableSites } from "./storable_sites.ts";

Deno.test("a NUL in a name is removed; a NUL in an id refuses only that site", () => {
  const out = storableSites([
    { vendorSiteId: "1", name: "Roof\u0000 one\n", timezone: "Europe/Berlin" },
    { vendorSiteId: "2\u00003", name: "Bad id" },
    { vendorSiteId: "4", name: "\u0000\u0001" },
  ]);
  assert.deepEqual(out.sites, [
    { vendorSiteId: "1", name: "Roof one", timezone: "Europe/Berlin" },
    { vendorSiteId: "4", name: undefined, timezone: undefined },
  ]);
  assert.deepEqual(out.refused, [{
    vendorSiteId: "2\\u00003",
    reason: "its id contains a NUL character, which the database cannot store",
  }]);
  assert.equal(
    out.problem,
    'Site list: refused site "2\\u00003" (its id contains a NUL character, which the database cannot store)',
  );
  assert.equal(storableSites([{ vendorSiteId: "1" }]).problem, undefined);
});
