/**
 * `deno task chaos [--check] [--short] [--scenario NAME ...] [--max-cycles N] [--keep]`: drives the
 * local stack through each scenario's faults (scenarios.ts) in a world of its own, cycle after
 * cycle until the independent checker (checker.ts) finds every expected window landed, none
 * twice, every envelope equal to the simulator's values, every site healthy or carrying its next
 * action, and no planted secret in the logs, S3 or the database. Prints the summary table on
 * stdout, progress and the checker's findings on stderr. `--check` exits 1 when anything was
 * lost, duplicated, wrong or leaked, or a world did not recover. Starts the stack when it is down
 * and stops it again.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { isStackUp, stackDown, stackUp } from "../local/stack.ts";
import { stackEnv } from "../local/stack_env.ts";
import { pauseHourlyJobs, resumeJobs } from "../bench/cycle.ts";
import { checkWorld, logMarks } from "./checker.ts";
import { type Scenario, SCENARIOS, SMALL_PLAN } from "./scenarios.ts";
import { failures, renderTable, type ScenarioRow } from "./table.ts";
import { clearFaults, createWorld, cycle, faultsFired, removeWorld } from "./world.ts";

const USAGE =
  "Usage: deno task chaos [--check] [--short] [--scenario NAME ...] [--max-cycles N] [--keep]\n";

export interface ChaosOptions {
  scenarios: Scenario[];
  maxCycles: number;
  keep: boolean;
  say: (line: string) => void;
}

/** Runs the scenarios on a running stack; one row each. */
export async function runChaos(o: ChaosOptions): Promise<ScenarioRow[]> {
  const sql = postgres(stackEnv.SUPABASE_DB_URL, { max: 2, prepare: false, onnotice: () => {} });
  const paused = await pauseHourlyJobs(sql);
  const rows: ScenarioRow[] = [];
  try {
    for (const scenario of o.scenarios) rows.push(await runScenario(sql, scenario, o));
  } finally {
    await clearFaults().catch(() => {});
    await resumeJobs(sql, paused).catch(() => {});
    await sql.end({ timeout: 5 });
  }
  return rows;
}

async function runScenario(
  sql: postgres.Sql,
  s: Scenario,
  o: ChaosOptions,
): Promise<ScenarioRow> {
  await clearFaults();
  const marks = await logMarks();
  const world = s.world ? await s.world(sql) : await createWorld(sql, s.name, s.plan ?? SMALL_PLAN);
  try {
    const firedBefore = await faultsFired();
    const armed = await s.arm(world);
    o.say(`chaos: ${s.name}: ${armed} faults armed (${s.faults})`);
    let recoveredS: number | null = null;
    let check;
    let acts = 0;
    for (let n = 1; n <= Math.max(o.maxCycles, (s.minCycles ?? 0) + 2); n++) {
      acts += await cycle(sql, world, {
        timeoutMs: s.cycleTimeoutMs ?? 120_000,
        overlap: s.overlap && n === 1,
        during: s.during ? () => s.during!(sql, world, n) : undefined,
      });
      await s.after?.(world, n, sql);
      check = await checkWorld(sql, world, { logsSince: marks });
      const own = n >= (s.minCycles ?? 1) && s.verify ? await s.verify(sql, world) : [];
      check.problems.push(...own);
      const whole = check.lost === 0 && check.wrong === 0 && check.duplicated === 0 &&
        check.unhealthy.length === 0 && own.length === 0 && n >= (s.minCycles ?? 1);
      o.say(
        `chaos: ${s.name}: cycle ${n}: ${check.landed}/${check.expected} windows landed, ` +
          `${check.lost} lost, ${check.wrong} wrong, ${check.duplicated} duplicated, ` +
          `${check.leaks.length} leaks, ${check.unhealthy.length} sites without a next action`,
      );
      if (whole) {
        recoveredS = (Date.now() - world.startedAt.getTime()) / 1000;
        break;
      }
    }
    const injected = s.count
      ? s.count()
      : s.acts
      ? armed + acts
      : await faultsFired() - firedBefore;
    for (const p of check!.problems.slice(0, 10)) o.say(`chaos: ${s.name}: ${p}`);
    for (const l of check!.leaks) o.say(`chaos: ${s.name}: a planted secret was found in ${l}`);
    return {
      scenario: s.name,
      faults: s.faults,
      injected,
      expected: check!.expected,
      landed: check!.landed,
      lost: check!.lost,
      duplicated: check!.duplicated,
      wrong: check!.wrong,
      leaked: check!.leaks.length,
      recoveredS,
      cycles: world.cycles,
    };
  } finally {
    await clearFaults().catch(() => {});
    await s.cleanup?.(sql).catch((error) => o.say(`chaos: ${s.name}: clean-up: ${error}`));
    if (!o.keep) await removeWorld(sql, world).catch(() => {});
  }
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        check: { type: "boolean", default: false },
        short: { type: "boolean", default: false },
        scenario: { type: "string", multiple: true },
        "max-cycles": { type: "string", default: "5" },
        keep: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const names = values.scenario ?? [];
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(
      `Cannot run chaos: no scenario ${unknown.join(", ")}; there are ${
        SCENARIOS.map((s) => s.name).join(", ")
      }`,
    );
    return 2;
  }
  const maxCycles = Number(values["max-cycles"]);
  if (!Number.isInteger(maxCycles) || maxCycles < 1) {
    console.error("Cannot run chaos: --max-cycles must be a whole number of at least 1");
    return 2;
  }
  const scenarios = SCENARIOS.filter((s) =>
    names.length > 0 ? names.includes(s.name) : !values.short || s.short
  );
  const started = !(await isStackUp());
  if (started) await stackUp();
  try {
    const rows = await runChaos({
      scenarios,
      maxCycles,
      keep: values.keep,
      say: (line) => console.error(line),
    });
    console.log(renderTable(rows));
    const bad = failures(rows);
    for (const b of bad) console.error(`chaos: ${b}`);
    return values.check && bad.length > 0 ? 1 : 0;
  } finally {
    if (started) await stackDown();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
