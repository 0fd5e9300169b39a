/**
 * Checks the running local stack end to end. It needs the stack up (`deno task test` brings it
 * up; by hand: `deno task stack up`) and fails, never skips, when it is not.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { stackS3Client } from "./stack_s3.ts";
import { healthPath } from "./gateway.ts";
import { stackEnv } from "./stack_env.ts";
import { isStackUp } from "./stack_status.ts";

const stackUp = await isStackUp();
const apiUrl = stackEnv.SUPABASE_URL;

/** Runs `work` with a fresh connection once the stack is known to be up. */
async function withDb<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  assert.ok(
    stackUp,
    "The local stack is not up: run `deno task stack up` (deno task test starts it itself)",
  );
  const sql = postgres(stackEnv.SUPABASE_DB_URL, { max: 2, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Runs `work` in a transaction that is always rolled back, so nothing reaches the worker. */
async function rolledBack(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<void>) {
  const rollback = new Error("rollback");
  await assert.rejects(
    sql.begin(async (tx) => {
      await work(tx);
      throw rollback;
    }),
    (error) => error === rollback,
  );
}

/** Waits for the worker to record request `id` (the worker wakes on the NOTIFY at commit). */
async function responseOf(sql: postgres.Sql, id: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await sql`select * from net._http_response where id = ${id}`;
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Cannot find the response of pg_net request ${id} after ${timeoutMs} ms`);
}

Deno.test("the local stack is up", () => {
  assert.ok(
    stackUp,
    "The local stack is not up: run `deno task stack up` (deno task test starts it itself)",
  );
});

Deno.test("net.http_post from SQL reaches the gateway after commit and records the status", async () => {
  await withDb(async (sql) => {
    const [{ id }] = await sql`
      select net.http_post(${
      apiUrl + healthPath
    }, '{"ping": 1}'::jsonb, timeout_milliseconds := 5000)::text as id`;
    const response = await responseOf(sql, id);
    assert.equal(response.status_code, 200);
    assert.equal(response.content_type, "application/json");
    assert.equal(response.headers["content-type"], "application/json");
    assert.equal(JSON.parse(response.content).status, "ok");
    assert.equal(response.timed_out, false);
  });
});

Deno.test("net.http_post sends nothing until its transaction commits", async () => {
  await withDb(async (sql) => {
    let id = "";
    await sql.begin(async (tx) => {
      [{ id }] = await tx`select net.http_post(${apiUrl + healthPath})::text as id`;
      await new Promise((resolve) => setTimeout(resolve, 700));
      const [seen] = await sql`select count(*)::int as n from net._http_response where id = ${id}`;
      assert.equal(seen.n, 0, "the worker ran a request of an open transaction");
    });
    assert.equal((await responseOf(sql, id)).status_code, 200);
  });
});

Deno.test("an unknown function answers 404 through the pg_net worker", async () => {
  await withDb(async (sql) => {
    const [{ id }] = await sql`select net.http_get(${
      apiUrl + "/functions/v1/no-such-function"
    })::text as id`;
    assert.equal((await responseOf(sql, id)).status_code, 404);
  });
});

Deno.test("an unreachable URL is recorded with curl's message instead of stopping the worker", async () => {
  await withDb(async (sql) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${listener.addr.port}/`;
    listener.close(); // a port that just closed: the connection is refused
    const [{ id }] =
      await sql`select net.http_get(${url}, timeout_milliseconds := 2000)::text as id`;
    const response = await responseOf(sql, id);
    assert.equal(response.status_code, null);
    assert.equal(response.error_msg, "Couldn't connect to server");
  });
});

Deno.test("net.http_get url-encodes params and appends them as pg_net does", async () => {
  await withDb(async (sql) => {
    await rolledBack(sql, async (tx) => {
      const [{ id }] =
        await tx`select net.http_get('http://h/a?b=1', '{"k y": "v&w/é"}')::text as id`;
      const [row] = await tx`select url, method from net.http_request_queue where id = ${id}`;
      assert.deepEqual({ ...row }, { url: "http://h/a?b=1&k%20y=v%26w%2F%C3%A9", method: "GET" });
    });
  });
});

Deno.test("net.http_post accepts only JSON, like pg_net", async () => {
  await withDb(async (sql) => {
    await assert.rejects(
      sql`select net.http_post('http://h/', headers := '{"Content-Type": "text/plain"}'::jsonb)`,
      /Content-Type header must be "application\/json"/,
    );
  });
});

Deno.test("vault.decrypted_secrets holds project_url and service_role_key from config.toml", async () => {
  await withDb(async (sql) => {
    const rows = await sql`select name, decrypted_secret from vault.decrypted_secrets
      where name in ('project_url', 'service_role_key') order by name`;
    assert.deepEqual(rows.map((r) => [r.name, r.decrypted_secret]), [
      ["project_url", stackEnv.SUPABASE_URL],
      ["service_role_key", stackEnv.SUPABASE_SERVICE_KEY],
    ]);
  });
});

Deno.test("API roles cannot read Vault, as on Supabase", async () => {
  await withDb(async (sql) => {
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`set local role authenticated`;
        await tx`select * from vault.decrypted_secrets`;
      }),
      /permission denied/,
    );
  });
});

Deno.test("auth.uid() and auth.role() read the JWT claims a pgTAP test sets", async () => {
  await withDb(async (sql) => {
    const sub = "11111111-2222-3333-4444-555555555555";
    const [row] = await sql.begin(async (tx) => {
      await tx`set local role authenticated`;
      await tx`select set_config('request.jwt.claims', ${
        JSON.stringify({ sub, role: "authenticated" })
      }, true)`;
      return await tx`select auth.uid()::text as uid, auth.role() as role, auth.jwt() ->> 'sub' as jwt_sub`;
    });
    assert.deepEqual({ ...row }, { uid: sub, role: "authenticated", jwt_sub: sub });
  });
});

Deno.test("pg_cron runs in database postgres and cron.job is readable", async () => {
  await withDb(async (sql) => {
    const [setting] = await sql`select current_setting('cron.database_name') as db`;
    assert.equal(setting.db, "postgres");
    const [scheduler] = await sql`
      select count(*)::int as n from pg_stat_activity where application_name = 'pg_cron scheduler'`;
    assert.equal(scheduler.n, 1, "the pg_cron scheduler is not running");
    await rolledBack(sql, async (tx) => {
      // A no-op once the migrations created it; it fails outside cron.database_name.
      await tx`create extension if not exists pg_cron with schema pg_catalog`;
      await tx`select * from cron.job`;
    });
  });
});

Deno.test("the S3 bucket exists", async () => {
  assert.ok(
    stackUp,
    "The local stack is not up: run `deno task stack up` (deno task test starts it itself)",
  );
  const s3 = stackS3Client();
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: stackEnv.METER_DATA_BUCKET }));
    assert.equal(head.$metadata.httpStatusCode, 200);
  } finally {
    s3.destroy();
  }
});
