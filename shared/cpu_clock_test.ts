import assert from "node:assert/strict";
import { processCpuMs, sampledEvery } from "./cpu_clock.ts";

Deno.test("the process CPU clock moves with work and never goes back", () => {
  const before = processCpuMs();
  let x = 0;
  const until = performance.now() + 60;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const after = processCpuMs();
  assert.ok(x > 0);
  assert.ok(after - before >= 20, `${before} → ${after}`);
});

Deno.test("a sampled clock reads the real one at most once per interval", () => {
  let reads = 0;
  let wall = 0;
  const clock = sampledEvery(() => ++reads * 10, 20, () => wall);
  assert.equal(clock(), 10);
  wall = 19;
  assert.equal(clock(), 10, "within the interval: the last reading");
  assert.equal(reads, 1);
  wall = 20;
  assert.equal(clock(), 20);
  wall = 1000;
  assert.equal(clock(), 30);
  assert.equal(reads, 3);
});
