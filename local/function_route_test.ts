import assert from "node:assert/strict";
import { functionNamePattern, functionRoute } from "./function_route.ts";

Deno.test("functionRoute strips /functions/v1 like Supabase's gateway and keeps the query", () => {
  const route = functionRoute(
    new URL("http://127.0.0.1:54321/functions/v1/solaredge/sites/42/resync?from=a&to=b"),
  );
  assert.deepEqual(route, {
    name: "solaredge",
    url: "http://localhost/solaredge/sites/42/resync?from=a&to=b",
  });
});

Deno.test("functionRoute maps the bare function URL to /<name>", () => {
  assert.deepEqual(functionRoute(new URL("http://h/functions/v1/solaredge")), {
    name: "solaredge",
    url: "http://localhost/solaredge",
  });
});

Deno.test("functionRoute keeps percent-encoded path segments encoded", () => {
  assert.equal(
    functionRoute(new URL("http://h/functions/v1/fn/a%2Fb"))?.url,
    "http://localhost/fn/a%2Fb",
  );
});

Deno.test("functionRoute returns null outside /functions/v1/<name>", () => {
  assert.equal(functionRoute(new URL("http://h/rest/v1/sites")), null);
  assert.equal(functionRoute(new URL("http://h/functions/v1/")), null);
});

Deno.test("functionNamePattern rejects underscore names, which are never functions", () => {
  assert.ok(functionNamePattern.test("solaredge"));
  assert.ok(!functionNamePattern.test("_shared"));
  assert.ok(!functionNamePattern.test("_health"));
});
