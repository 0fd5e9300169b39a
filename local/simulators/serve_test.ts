import assert from "node:assert/strict";
import { serveSimulator, simulatorPort } from "./serve.ts";

Deno.test("serveSimulator serves the simulator's handler on the port asked for", async () => {
  const { server, sim } = serveSimulator(
    (o: { greeting: string }) => ({ handler: () => Promise.resolve(new Response(o.greeting)) }),
    { port: 0, greeting: "hello" },
  );
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/anything`);
    assert.equal(await res.text(), "hello");
    assert.equal(typeof sim.handler, "function");
  } finally {
    await server.shutdown();
  }
});

Deno.test("simulatorPort reads --port N and --port=N, with a default", () => {
  assert.equal(simulatorPort(["--port", "6001"], 5000, "Test"), 6001);
  assert.equal(simulatorPort(["--seed-demo", "--port=6002"], 5000, "Test"), 6002);
  assert.equal(simulatorPort([], 5000, "Test"), 5000);
});

Deno.test("a simulator started with a bad --port exits 2 with a message", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./goodwe_main.ts", import.meta.url).pathname, "--port", "99999"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /--port must be 0-65535, got 99999/);
});
