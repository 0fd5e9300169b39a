/** The summary table of `deno task chaos`, one row per scenario, as the README carries it. */

export interface ScenarioRow {
  scenario: string;
  faults: string;
  injected: number;
  expected: number;
  landed: number;
  lost: number;
  duplicated: number;
  wrong: number;
  leaked: number;
  /** Seconds from the faults to the first check that found the world whole; null: never. */
  recoveredS: number | null;
  cycles: number;
}

const HEAD = [
  "scenario",
  "faults injected",
  "windows expected",
  "landed",
  "lost",
  "duplicated",
  "wrong",
  "secrets leaked",
  "time to recover",
];

/** A Markdown table (it reads as plain text too). */
export function renderTable(rows: ScenarioRow[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    `${r.injected}: ${r.faults}`,
    String(r.expected),
    String(r.landed),
    String(r.lost),
    String(r.duplicated),
    String(r.wrong),
    String(r.leaked),
    r.recoveredS === null
      ? "not recovered"
      : `${r.recoveredS.toFixed(0)} s (${r.cycles} cycle${r.cycles === 1 ? "" : "s"})`,
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(HEAD),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...cells.map(line),
  ].join("\n") + "\n";
}

/** What `--check` fails on: anything lost, duplicated, wrong or leaked, or a world not healed. */
export function failures(rows: ScenarioRow[]): string[] {
  return rows.flatMap((r) => {
    const bad = [];
    if (r.lost > 0) bad.push(`${r.lost} windows lost`);
    if (r.duplicated > 0) bad.push(`${r.duplicated} windows duplicated`);
    if (r.wrong > 0) bad.push(`${r.wrong} objects wrong`);
    if (r.leaked > 0) bad.push(`${r.leaked} secrets leaked`);
    if (r.recoveredS === null) bad.push("did not recover");
    return bad.length ? [`${r.scenario}: ${bad.join(", ")}`] : [];
  });
}
