/**
 * The system-package step a fresh machine runs: nothing to do when all is installed, and for a
 * user who is not root, the exact apt command instead of an attempt.
 */
import assert from "node:assert/strict";

const script = new URL("./install_system.sh", import.meta.url).pathname;
const isRoot = Deno.uid() === 0;

async function run(packages: string, asOtherUser: boolean) {
  // The other user may not be able to enter the checkout (a clone under /root or `mktemp -d`), so
  // it gets the script on stdin and starts in /.
  const cmd = asOtherUser
    ? ["runuser", "-u", "postgres", "--", "env", `SYSTEM_PACKAGES=${packages}`, "bash", "-s"]
    : ["env", `SYSTEM_PACKAGES=${packages}`, "bash", script];
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: asOtherUser ? "/" : undefined,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (asOtherUser) await writer.write(await Deno.readFile(script));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("install_system.sh does nothing when every package is installed", async () => {
  const { code, stderr } = await run("bash coreutils", false);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
});

Deno.test("install_system.sh prints the exact apt command for a user who is not root", async () => {
  // As root the test drops to the postgres user, which every machine with the stack has.
  const { code, stderr } = await run("coreutils no-such-package-for-this-test", isRoot);
  assert.equal(code, 1);
  assert.match(stderr, /Missing system packages: no-such-package-for-this-test/);
  assert.match(
    stderr,
    /sudo apt-get update && sudo apt-get install -y no-such-package-for-this-test/,
  );
});
