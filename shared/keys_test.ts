import assert from "node:assert/strict";
import { objectKey } from "./keys.ts";

Deno.test("objectKey uses the UTC date and time of the window end", () => {
  const key = objectKey({
    source: "solaredge",
    orgId: "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a01",
    siteId: "3066774",
    windowEnd: new Date("2026-03-29T01:15:00+01:00"),
  });
  assert.equal(
    key,
    "raw/solaredge/0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a01/2026-03-29/site_3066774_001500.json",
  );
});

Deno.test("objectKey makes vendor site ids path-safe", () => {
  const key = objectKey({
    source: "goodwe",
    orgId: "org",
    siteId: "../a b/c",
    windowEnd: new Date("2026-01-01T00:00:00Z"),
  });
  assert.equal(key, "raw/goodwe/org/2026-01-01/site___a_b_c_000000.json");
});

Deno.test("objectKey refuses an empty site id", () => {
  assert.throws(
    () => objectKey({ source: "s", orgId: "o", siteId: "", windowEnd: new Date(0) }),
    /site id is empty/,
  );
});
