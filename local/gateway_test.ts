import assert from "node:assert/strict";
import { createGateway } from "./gateway.ts";
import { stackEnv } from "./stack_env.ts";

/** Throwaway functions in a temp dir: the gateway must not depend on the project's functions. */
const functionsDir = await Deno.makeTempDir({ prefix: "gateway-test-" });
const files: Record<string, string> = {
  echo: `export default { async fetch(req) {
    return Response.json({ url: req.url, method: req.method, tag: req.headers.get("x-tag"), body: await req.text() });
  } };`,
  served: `Deno.serve((req) => new Response("served " + new URL(req.url).pathname));`,
  crash: `export default { fetch() { throw new Error("boom"); } };`,
  broken: `throw new Error("cannot boot");`,
  off: `export default { fetch: () => new Response("should not run") };`,
};
for (const [name, source] of Object.entries(files)) {
  await Deno.mkdir(`${functionsDir}/${name}`);
  await Deno.writeTextFile(`${functionsDir}/${name}/index.ts`, source);
}

const open = { enabled: true, verifyJwt: false };
const gateway = createGateway({
  functionsDir,
  config: {
    echo: open,
    served: open,
    crash: open,
    broken: open,
    off: { enabled: false, verifyJwt: false },
  },
  health: () => ({ worker: "listening" }),
});
const base = "http://127.0.0.1:54321/functions/v1";

/** Workers are processes the gateway keeps between tests; the last test stops them. */
function test(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

test("gateway forwards method, headers, body and the rewritten URL to the function", async () => {
  const response = await gateway(
    new Request(`${base}/echo/sites/1?from=a`, {
      method: "POST",
      headers: { "x-tag": "t" },
      body: "hi",
    }),
  );
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    url: "http://localhost/echo/sites/1?from=a",
    method: "POST",
    tag: "t",
    body: "hi",
  });
});

test("gateway serves a function written as a top-level Deno.serve call", async () => {
  const response = await gateway(new Request(`${base}/served/x`));
  assert.equal(await response.text(), "served /served/x");
});

test("gateway answers 404 for an unknown, disabled or underscore function", async () => {
  for (const name of ["missing", "off", "_shared"]) {
    const response = await gateway(new Request(`${base}/${name}`));
    assert.equal(response.status, 404, name);
    assert.equal(await response.text(), "Function not found");
  }
});

test("gateway requires a valid JWT for a function without a config entry (verify_jwt default)", async () => {
  await Deno.mkdir(`${functionsDir}/guarded`, { recursive: true });
  await Deno.writeTextFile(
    `${functionsDir}/guarded/index.ts`,
    `export default { fetch: () => new Response("in") };`,
  );
  const denied = await gateway(new Request(`${base}/guarded`));
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  const allowed = await gateway(
    new Request(`${base}/guarded`, {
      headers: { authorization: `Bearer ${stackEnv.SUPABASE_ANON_KEY}` },
    }),
  );
  assert.equal(await allowed.text(), "in");
  const preflight = await gateway(new Request(`${base}/guarded`, { method: "OPTIONS" }));
  assert.equal(preflight.status, 200, "CORS preflight passes without a JWT, as on Supabase");
  await preflight.body?.cancel();
});

test("gateway turns a thrown error into 500 WORKER_ERROR and a failed boot into 503", async () => {
  const crashed = await gateway(new Request(`${base}/crash`));
  assert.equal(crashed.status, 500);
  assert.equal((await crashed.json()).code, "WORKER_ERROR");
  const broken = await gateway(new Request(`${base}/broken`));
  assert.equal(broken.status, 503);
  assert.equal((await broken.json()).code, "BOOT_ERROR");
});

test("gateway reports health on _health and 404s paths outside /functions/v1", async () => {
  const health = await gateway(new Request(`${base}/_health`));
  assert.deepEqual(await health.json(), { status: "ok", gateway: "ok", worker: "listening" });
  const other = await gateway(new Request("http://127.0.0.1:54321/rest/v1/sites"));
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

test("gateway health fails while the pg_net worker cannot reach the database", async () => {
  const degraded = createGateway({
    functionsDir,
    config: {},
    health: () => ({ worker: "cannot read queue" }),
  });
  const response = await degraded(new Request(`${base}/_health`));
  assert.equal(response.status, 503);
  assert.equal((await response.json()).status, "degraded");
});

test("gateway stops its workers on close", async () => {
  await gateway.close();
  await Deno.remove(functionsDir, { recursive: true });
});
