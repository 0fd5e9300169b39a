import assert from "node:assert/strict";
import { clientOptions, connect } from "./db.ts";

Deno.test("the Postgres client is pooler-safe: no prepared statements, a small pool, idle release", () => {
  const options = clientOptions();
  assert.equal(options.prepare, false);
  assert.ok(options.max <= 4);
  assert.ok(options.idle_timeout > 0 && options.idle_timeout <= 60);
  assert.equal(clientOptions({ max: 1 }).max, 1);
});

Deno.test("connect builds its client with prepared statements disabled", async () => {
  // postgres.js connects lazily, so no server is needed to read the options it was given.
  const sql = connect("postgresql://u:p@127.0.0.1:1/db", { max: 2 });
  try {
    assert.equal(sql.options.prepare, false);
    assert.equal(sql.options.max, 2);
  } finally {
    await sql.end({ timeout: 0 });
  }
});

Deno.test("no query in the functions needs a session: no listen, session locks or session set", async () => {
  // Behind the transaction pooler each transaction may land on another server connection.
  const unsafe = [
    /\bpg_(try_)?advisory_lock(_shared)?\s*\(/i,
    /\b(sql|tx)\.listen\s*\(/,
    /^\s*listen\s+\w/im,
    /\b(sql|tx)`\s*set\s+(?!local\b)/i,
    /\bprepare:\s*true\b/,
  ];
  const found: string[] = [];
  for (const dir of ["../shared", "../supabase/functions", "../supabase/migrations"]) {
    for await (const file of walk(new URL(`${dir}/`, import.meta.url))) {
      if (file.pathname.endsWith("_test.ts")) continue;
      const text = await Deno.readTextFile(file);
      for (const pattern of unsafe) {
        if (pattern.test(text)) found.push(`${file.pathname}: ${pattern}`);
      }
    }
  }
  assert.deepEqual(found, []);
});

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory && entry.name !== "testdata") yield* walk(url);
    else if (/\.(ts|sql)$/.test(entry.name)) yield url;
  }
}
