import assert from "node:assert/strict";
import { parseFunctionsConfig, readFunctionsConfig } from "./functions_config.ts";
import { stackPaths } from "./stack_paths.ts";

Deno.test("parseFunctionsConfig reads enabled and verify_jwt of each [functions.<name>] table", () => {
  const config = parseFunctionsConfig(`
project_id = "x"
[db.vault]
verify_jwt = false # not a function table: ignored
[functions.solaredge]
enabled = true
verify_jwt = false   # pg_net sends the service key
entrypoint = "./functions/solaredge/index.ts"
[functions."with-dash"]
enabled = false
`);
  assert.deepEqual(config, {
    solaredge: { enabled: true, verifyJwt: false },
    "with-dash": { enabled: false, verifyJwt: true },
  });
});

Deno.test("parseFunctionsConfig gives a table without keys Supabase's defaults (enabled, verify_jwt)", () => {
  assert.deepEqual(parseFunctionsConfig("[functions.plain]\n"), {
    plain: { enabled: true, verifyJwt: true },
  });
});

Deno.test("parseFunctionsConfig ignores nested tables such as [functions.x.secrets]", () => {
  assert.deepEqual(parseFunctionsConfig("[functions.x.secrets]\nverify_jwt = false\n"), {});
});

Deno.test("readFunctionsConfig treats a missing config.toml as no entries", async () => {
  assert.deepEqual(await readFunctionsConfig("/nonexistent/config.toml"), {});
});

Deno.test("the project's config.toml turns the JWT gate off for solaredge", async () => {
  const config = await readFunctionsConfig(stackPaths.configToml);
  assert.deepEqual(config.solaredge, { enabled: true, verifyJwt: false });
});
