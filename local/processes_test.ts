import assert from "node:assert/strict";
import { isAlive, isRunning } from "./processes.ts";

Deno.test("isAlive tells a running process from one that has exited", async () => {
  assert.equal(isAlive(Deno.pid), true);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(isAlive(child.pid), false);
});

Deno.test("isRunning also checks the command line, so a recycled pid is never taken for ours", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    // Right after the spawn the child may still be in its exec, with an empty command line.
    const deadline = Date.now() + 2000;
    while (!isRunning({ pid: child.pid, marker: "sleep 30" }) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(isRunning({ pid: child.pid, marker: "sleep 30" }), true);
    assert.equal(isRunning({ pid: child.pid, marker: "moto_server" }), false);
  } finally {
    child.kill();
    await child.status;
  }
});
