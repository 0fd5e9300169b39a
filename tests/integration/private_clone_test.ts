/**
 * The README's commands work from any checkout, also from a clone in a private directory (mode
 * 700, as `mktemp -d` makes it, or /root), where the OS user `postgres` cannot enter: the test
 * clones this repository into such a directory and runs `stack up`, `status`, a query and
 * `stack down --reset` there. The clone's stack runs beside the one the suite uses, on ports
 * shifted by LOCAL_STACK_PORT_OFFSET, and the test stops whatever it started. Like any clone it
 * holds the committed HEAD, not uncommitted changes of this checkout.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import postgres from "postgres";
import { isStackUp } from "../../local/stack.ts";
import { requireStack } from "./helpers.ts";
import { portOffset, stackPorts } from "../../local/stack_env.ts";

const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
// 30,000 below the suite's own stack: out of the ephemeral port range, where the suite's many
// outgoing connections hold random local ports and once took one of this stack's (a flaky
// "port is used" at start).
const SHIFT = -30_000;
const OFFSET = portOffset + SHIFT;
const DB_PORT = stackPorts.db + SHIFT;
const STEP_TIMEOUT_MS = 240_000;

interface Outcome {
  code: number;
  output: string;
}

/** Runs a program to its end, or kills it after the step timeout. */
async function run(cmd: string[], cwd: string): Promise<Outcome> {
  const [program, ...args] = cmd;
  const out = await new Deno.Command(program, {
    args,
    cwd,
    env: { ...Deno.env.toObject(), LOCAL_STACK_PORT_OFFSET: String(OFFSET), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

const task = (clone: string, ...args: string[]) =>
  run([Deno.execPath(), "task", "stack", ...args], clone);

Deno.test({
  name: "a clone in a mode-700 directory brings its own stack up, answers and resets it",
  // The clone's stack outlives single steps; the test's own cleanup stops it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Like every integration test it runs inside `deno task test`, under the stack lock, and
    // proves the second stack leaves the suite's own alone.
    await requireStack();
    const dir = await Deno.makeTempDir({ prefix: "solar-private-" });
    await Deno.chmod(dir, 0o700);
    const clone = `${dir}/solar`;
    let started = false;
    try {
      const cloned = await run(["git", "clone", "--quiet", root, clone], dir);
      assert.equal(cloned.code, 0, cloned.output);
      started = true;
      const up = await task(clone, "up");
      assert.equal(up.code, 0, up.output);
      assert.match(up.output, /The local stack is up/);

      const status = await task(clone, "status");
      assert.equal(status.code, 0, status.output);
      assert.ok(!/^DOWN/m.test(status.output), status.output);
      assert.ok(status.output.includes(`@127.0.0.1:${DB_PORT}/postgres`), status.output);
      const clusterLine = /Database cluster: (\S+)/.exec(status.output);
      assert.ok(clusterLine, status.output);
      const dataDir = clusterLine[1];

      const sql = postgres(`postgresql://postgres:postgres@127.0.0.1:${DB_PORT}/postgres`, {
        max: 1,
        onnotice: () => {},
      });
      try {
        const [row] = await sql`
          select current_setting('data_directory') as data_directory,
                 (select count(*) from supabase_migrations.schema_migrations)::int as migrations,
                 (select count(*) from cron.job where jobname like '%-enqueue')::int as jobs`;
        assert.equal(row.data_directory, dataDir);
        const migrations = [...Deno.readDirSync(`${clone}/supabase/migrations`)]
          .filter((e) => e.name.endsWith(".sql")).length;
        assert.equal(row.migrations, migrations);
        assert.equal(row.jobs, 4);
      } finally {
        await sql.end({ timeout: 5 });
      }
      if (Deno.uid() === 0) {
        // The server's user cannot enter the clone, so its cluster is elsewhere and its own.
        assert.ok(!dataDir.startsWith(`${dir}/`), dataDir);
        assert.equal(Deno.statSync(dataDir).uid, Number(await postgresUid()));
      } else {
        assert.equal(dataDir, `${clone}/.local/stack/pg`);
      }

      const down = await task(clone, "down", "--reset");
      started = false;
      assert.equal(down.code, 0, down.output);
      assert.match(down.output, /stopped Postgres/);
      assert.ok(!existsSync(dataDir), `${dataDir} is still there after down --reset`);
      assert.ok(!existsSync(`${clone}/.local/stack`));
      // The stack the rest of the suite uses was not touched.
      assert.ok(await isStackUp());
    } finally {
      if (started) await task(clone, "down", "--reset").catch(() => undefined);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

async function postgresUid(): Promise<string> {
  const { output } = await run(["id", "-u", "postgres"], "/");
  return output.trim();
}
