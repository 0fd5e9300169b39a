import assert from "node:assert/strict";
import { isUnproven, loginOfRun, noteLogin, noteSessionWorks } from "./run_logins.ts";
import type { TokenCall } from "../../../shared/types.ts";

const newCall = (): TokenCall => () => Promise.reject(new Error("not called"));

Deno.test("run_logins remembers one login per run's token call, and each session until it works", () => {
  const run = newCall();
  const other = newCall();
  assert.equal(loginOfRun(run), undefined);
  noteLogin(run, { token: "session-a" }, 1_000);
  assert.deepEqual(loginOfRun(run), { token: "session-a" });
  assert.equal(loginOfRun(other), undefined);
  assert.equal(isUnproven("session-a", 2_000), true);
  noteSessionWorks("session-a");
  assert.equal(isUnproven("session-a", 2_000), false);
  const failure = new Error("refused");
  noteLogin(other, { error: failure }, 1_000);
  assert.equal((loginOfRun(other) as { error: Error }).error, failure);
  assert.equal(isUnproven(undefined), false);
});

Deno.test("run_logins forgets an unproven session after half an hour", () => {
  noteLogin(newCall(), { token: "session-old" }, 0);
  assert.equal(isUnproven("session-old", 29 * 60_000), true);
  assert.equal(isUnproven("session-old", 31 * 60_000), false);
});
