import assert from "node:assert/strict";
import { countDeno, countTap } from "./test_count.ts";

Deno.test("countDeno reads the last Deno summary line, colours included", () => {
  const out = "running 2 tests\n\x1b[32mok\x1b[0m | 7 passed (2 steps) | 1 failed (3s)\n" +
    "FAILED | 12 passed | 3 failed (1s)\n";
  assert.deepEqual(countDeno(out.replace("\x1b[32mok\x1b[0m", "ok")), { passed: 12, failed: 3 });
});

Deno.test("countDeno finds nothing in output without a summary", () => {
  assert.deepEqual(countDeno("error: Module not found"), { passed: 0, failed: 0 });
});

Deno.test("countTap counts ok and not ok lines of pg_prove --verbose", () => {
  const out = "t.sql ..\nok 1 - a\nnot ok 2 - b\n    ok 3 - c\n# Failed test 2\n";
  assert.deepEqual(countTap(out), { passed: 2, failed: 1 });
});
