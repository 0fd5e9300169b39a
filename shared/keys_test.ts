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

const keyOf = (siteId: string) =>
  objectKey({
    source: "goodwe",
    orgId: "org",
    siteId,
    windowEnd: new Date("2026-01-01T00:00:00Z"),
  });

Deno.test("objectKey keeps plain vendor ids as they are", () => {
  for (const id of ["3066774", "a1b2-c3d4", "PLANT_7", "v2.1"]) {
    assert.equal(keyOf(id), `raw/goodwe/org/2026-01-01/site_${id}_000000.json`);
  }
});

Deno.test("objectKey maps hostile ids one to one, inside the prefix and within S3's limit", () => {
  const hostile = [
    "A/B",
    "A_B",
    ".",
    "..",
    "../x",
    "a b",
    "ü日本🌞",
    "site__",
    "!bQS9C",
    "x".repeat(10_000),
  ];
  const keys = hostile.map(keyOf);
  assert.equal(new Set(keys).size, hostile.length, "two ids share a key");
  for (const key of keys) {
    assert.ok(key.startsWith("raw/goodwe/org/2026-01-01/site_"));
    assert.equal(key.split("/").length, 5, `${key} leaves its prefix`);
    assert.ok(!key.includes("/../") && !key.includes("/./"));
    assert.ok(new TextEncoder().encode(key).length <= 1024, `${key.length} bytes`);
    assert.match(key, /^[A-Za-z0-9!_.\/-]+$/, "only characters S3 calls safe");
  }
  assert.equal(keyOf("A/B"), "raw/goodwe/org/2026-01-01/site_!bQS9C_000000.json");
  // A plain id that looks like an encoded one cannot be one: a plain id never starts with "!".
  assert.notEqual(keyOf("bQS9C"), keyOf("A/B"));
  assert.match(keyOf("x".repeat(10_000)), /site_!h[0-9a-f]{64}_000000\.json$/);
});

Deno.test("objectKey refuses an empty site id", () => {
  assert.throws(
    () => objectKey({ source: "s", orgId: "o", siteId: "", windowEnd: new Date(0) }),
    /site id is empty/,
  );
});
