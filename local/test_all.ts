/**
 * `deno task test`: every test of the project in one command. Brings the local stack up when it is
 * not running (and down again afterwards), runs the Deno tests (unit and integration) and the
 * pgTAP tests, and prints one closing line `N passed, N failed` that CI reads.
 */
import { isStackUp, stackDown, stackUp } from "./stack.ts";
import { withStackDb } from "./stack_db.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";
import { runAndCount, type TestCount } from "./test_count.ts";

const wasUp = await isStackUp();
let results: TestCount[] = [];
let paused: number[] = [];
try {
  if (!wasUp) await stackUp();
  // pg_cron would start real runs in the middle of tests that count vendor calls: the hourly
  // runs, and the queue's enqueue and per-minute dispatch. The tests fire the jobs' SQL
  // themselves. The jobs are switched back on afterwards.
  paused = await withStackDb(async (sql) =>
    (await sql<{ jobid: number }[]>`
      select jobid from cron.job
      where active and (command like '%invoke_fetcher%' or command like '%private.dispatch(%'
        or command like '%private.enqueue_due_jobs(%'
        or command like '%private.enqueue_discoveries(%')`)
      .map((r) => r.jobid)
  );
  await setActive(paused, false);
  const deno = await runAndCount(Deno.execPath(), ["test", "-A", "--no-prompt"], "deno", {
    NO_COLOR: "1",
  });
  const pgtap = await runAndCount(
    "pg_prove",
    [
      "--verbose",
      "--ext",
      ".sql",
      "-r",
      "-h",
      "127.0.0.1",
      "-p",
      String(stackPorts.db),
      "-U",
      "postgres",
      "-d",
      "postgres",
      `${stackPaths.supabase}/tests/database`,
    ],
    "tap",
    { PGPASSWORD: new URL(stackEnv.SUPABASE_DB_URL).password },
  );
  results = [deno, pgtap];
} catch (error) {
  console.error(`Cannot run the tests: ${(error as Error).message}`);
  results = [{ passed: 0, failed: 1, code: 1 }];
} finally {
  await setActive(paused, true).catch((e) =>
    console.error(`Cannot resume pg_cron jobs: ${e.message}`)
  );
  if (!wasUp) await stackDown().catch((e) => console.error(`Cannot stop the stack: ${e.message}`));
}
const passed = results.reduce((n, r) => n + r.passed, 0);
// A runner that failed without reporting a failed test (a crash, a type error) still counts.
const failed = results.reduce((n, r) => n + r.failed + (r.code !== 0 && r.failed === 0 ? 1 : 0), 0);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);

async function setActive(jobIds: number[], active: boolean): Promise<void> {
  if (jobIds.length === 0) return;
  await withStackDb(async (sql) => {
    for (const id of jobIds) await sql`select cron.alter_job(${id}::bigint, active := ${active})`;
  });
}
