/**
 * The short form of `deno task chaos`: the quick scenarios on the real stack, each in a world of
 * its own, checked by the independent checker. Nothing may be lost, duplicated, wrong or leaked,
 * and every world must heal.
 */
import assert from "node:assert/strict";
import { runChaos } from "../../chaos/run.ts";
import { SCENARIOS } from "../../chaos/scenarios.ts";
import { failures, renderTable } from "../../chaos/table.ts";
import { stackTest } from "./helpers.ts";

stackTest(
  "the short chaos scenarios lose, duplicate and leak nothing, and every world heals",
  async () => {
    const scenarios = SCENARIOS.filter((s) => s.short);
    assert.ok(scenarios.length >= 5);
    const lines: string[] = [];
    const rows = await runChaos({
      scenarios,
      maxCycles: 5,
      keep: false,
      say: (l) => lines.push(l),
    });
    const table = renderTable(rows);
    assert.deepEqual(failures(rows), [], `${table}\n${lines.join("\n")}`);
    for (const row of rows) {
      assert.ok(row.injected > 0, `${row.scenario}: its faults fired`);
      assert.ok(row.expected > 0 && row.landed === row.expected, `${row.scenario}: ${table}`);
    }
  },
);
