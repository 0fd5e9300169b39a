import assert from "node:assert/strict";
import { failures, renderTable, type ScenarioRow } from "./table.ts";

const row = (over: Partial<ScenarioRow>): ScenarioRow => ({
  scenario: "server-errors",
  faults: "5xx",
  injected: 12,
  expected: 4,
  landed: 4,
  lost: 0,
  duplicated: 0,
  wrong: 0,
  leaked: 0,
  recoveredS: 7.2,
  cycles: 1,
  ...over,
});

Deno.test("the table has a row per scenario with its figures and time to recover", () => {
  const lines = renderTable([row({}), row({ scenario: "outage-6h", recoveredS: null, cycles: 5 })])
    .trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.match(
    lines[0],
    /^\| scenario +\| faults injected +\| windows expected \| landed \| lost \|/,
  );
  assert.match(
    lines[2],
    /^\| server-errors +\| 12: 5xx +\| 4 +\| 4 +\| 0 +\| 0 +\| 0 +\| 0 +\| 7 s \(1 cycle\) +\|$/,
  );
  assert.match(lines[3], /not recovered/);
});

Deno.test("--check fails on anything lost, duplicated, wrong or leaked, or a world not healed", () => {
  assert.deepEqual(failures([row({})]), []);
  assert.deepEqual(
    failures([row({ lost: 1, leaked: 2 }), row({ scenario: "x", recoveredS: null })]),
    [
      "server-errors: 1 windows lost, 2 secrets leaked",
      "x: did not recover",
    ],
  );
});
