import assert from "node:assert/strict";
import { stackPaths } from "./stack_paths.ts";

Deno.test("the cluster lives in the checkout, or as root in postgres's home, one per checkout", () => {
  const { root, state, cluster, pgData, run, pgLog } = stackPaths;
  assert.equal(state, `${root}/.local/stack`);
  assert.deepEqual([pgData, run], [`${cluster}/pg`, `${cluster}/run`]);
  if (Deno.uid() === 0) {
    // The server's user need not be able to enter the checkout: nothing of the cluster is in it.
    assert.match(cluster, /^\/.+\/solar-stack-[0-9a-f]{12}$/);
    assert.ok(!cluster.startsWith(`${root}/`));
    assert.equal(pgLog, `${cluster}/postgres.log`);
    assert.ok(stackPaths.clusterOutside);
  } else {
    assert.equal(cluster, state);
    assert.equal(pgLog, `${state}/logs/postgres.log`);
  }
  // A unix socket path has room for about 107 bytes.
  assert.ok(`${run}/.s.PGSQL.54322`.length < 100 || Deno.uid() !== 0);
});
