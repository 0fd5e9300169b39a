import assert from "node:assert/strict";
import { fleetSites, planFleet } from "./fleet.ts";
import { parseBenchArgs } from "./args.ts";

Deno.test("planFleet spreads sites and credentials evenly over the four vendors", () => {
  const plan = planFleet({ sites: 1002, credentials: 21, tag: "4711" });
  assert.equal(fleetSites(plan), 1002);
  assert.equal(plan.credentials.length, 21);
  const byVendor = (v: string) => plan.credentials.filter((c) => c.vendor === v);
  assert.deepEqual(byVendor("solaredge").map((c) => c.sites.length), [42, 42, 42, 42, 42, 41]);
  assert.equal(byVendor("goodwe").reduce((n, c) => n + c.sites.length, 0), 250);
  const ids = plan.credentials.flatMap((c) => c.sites.map((s) => `${c.vendor}:${s.vendorSiteId}`));
  assert.equal(new Set(ids).size, 1002, "site ids are unique");
  assert.equal(new Set(plan.credentials.map((c) => c.login)).size, 21, "logins are unique");
  assert.match(byVendor("goodwe")[0].sites[0].vendorSiteId, /^[0-9a-f-]{36}$/);
});

Deno.test("planFleet refuses fewer than one credential per vendor", () => {
  assert.throws(() => planFleet({ sites: 100, credentials: 3, tag: "1" }), /--credentials must be/);
});

Deno.test("parseBenchArgs: defaults, options and clear errors", () => {
  assert.deepEqual(parseBenchArgs([]), {
    sites: 1000,
    credentials: 20,
    latencyMs: 300,
    s3LatencyMs: 0,
    baseline: true,
    baselineSites: 1000,
    check: false,
    micro: false,
    timeoutS: 600,
  });
  const o = parseBenchArgs(["--sites", "200", "--latency-ms=100", "--no-baseline", "--check"]);
  assert.equal(o.sites, 200);
  assert.equal(o.latencyMs, 100);
  assert.equal(o.baseline, false);
  assert.equal(o.check, true);
  assert.throws(() => parseBenchArgs(["--sites", "ten"]), /--sites must be a whole number/);
  assert.equal(parseBenchArgs(["--s3-latency-ms", "50"]).s3LatencyMs, 50);
  assert.throws(() => parseBenchArgs(["--sites", "10", "--credentials", "20"]), /--credentials/);
});
