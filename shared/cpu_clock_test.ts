import assert from "node:assert/strict";
import { processCpuMs } from "./cpu_clock.ts";

Deno.test("the process CPU clock moves with work and never goes back", () => {
  const before = processCpuMs();
  let x = 0;
  const until = performance.now() + 60;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const after = processCpuMs();
  assert.ok(x > 0);
  assert.ok(after - before >= 20, `${before} → ${after}`);
});
