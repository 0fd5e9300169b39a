/**
 * The registry is the whole list: each vendor in it has its function folder, its block in
 * config.toml and its row in the migrations, and nothing outside it has any of these. The
 * function folders hold production code and its tests only: helpers that tests share live in
 * shared/testing, so a deployed function never ships (or imports) the local stack.
 */
import assert from "node:assert/strict";
import { isSource, SOURCES, VENDORS } from "./vendors.ts";

const root = new URL("../", import.meta.url);
const functions = new URL("supabase/functions/", root);

async function names(dir: URL, keep: (e: Deno.DirEntry) => boolean): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (keep(e)) out.push(e.name);
  return out.sort();
}

Deno.test("every registered vendor has its function, its config block and its migration row", async () => {
  const folders = await names(functions, (e) => e.isDirectory && !e.name.startsWith("_"));
  assert.deepEqual(folders, [...SOURCES].sort());
  for (const source of SOURCES) {
    await Deno.stat(new URL(`${source}/index.ts`, functions));
  }
  const toml = await Deno.readTextFile(new URL("supabase/config.toml", root));
  const blocks = [...toml.matchAll(/^\[functions\.([a-z0-9_]+)\]/gm)].map((m) => m[1]).sort();
  assert.deepEqual(blocks, [...SOURCES].sort());
  const migrationsDir = new URL("supabase/migrations/", root);
  let sql = "";
  for (const name of await names(migrationsDir, (e) => e.name.endsWith(".sql"))) {
    sql += await Deno.readTextFile(new URL(name, migrationsDir));
  }
  for (const source of SOURCES) {
    // Either the first four's insert into public.vendors or a later register_vendor call.
    assert.ok(
      sql.includes(`('${source}', '${VENDORS[source].name}')`),
      `${source} is not registered by a migration as '${VENDORS[source].name}'`,
    );
  }
});

Deno.test("isSource knows the registry and nothing else", () => {
  for (const source of SOURCES) assert.ok(isSource(source));
  for (const other of ["", "SolarEdge", "toString", "__proto__", 5, null]) {
    assert.equal(isSource(other), false, String(other));
  }
});

Deno.test("function folders hold no shared test helpers and import nothing of the local stack", async () => {
  for (const source of SOURCES) {
    const dir = new URL(`${source}/`, functions);
    const files = await names(dir, (e) => e.isFile && e.name.endsWith(".ts"));
    assert.deepEqual(files.filter((f) => f.endsWith("_testing.ts")), [], source);
    for (const file of files.filter((f) => !f.endsWith("_test.ts"))) {
      const text = await Deno.readTextFile(new URL(file, dir));
      assert.doesNotMatch(text, /from\s+"(\.\.\/)+local\//, `${source}/${file} imports local/`);
      assert.doesNotMatch(text, /shared\/testing\//, `${source}/${file} imports test helpers`);
    }
  }
});
