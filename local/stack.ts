/**
 * The Docker-free local stack in one command:
 *
 *   deno task stack up        start what is not running (Postgres, compat, migrations, S3, services)
 *   deno task stack restart   the same, but restart services.ts (reloads function code)
 *   deno task stack status    what answers where, and the environment to use; exit 1 if not all up
 *   deno task stack down [--reset]   stop everything; --reset also deletes .local/stack
 *   deno task stack user add --email E --org ORG [--role R]   a dashboard user and a session token
 *
 * The demo and the test runner import `stackUp` / `stackDown` / `isStackUp` to use the stack when
 * it is up, start it otherwise, and leave it as they found it.
 */
import { secretEnvNames, stackEnv } from "./stack_env.ts";
import { stackDown } from "./stack_down.ts";
import { stackPaths } from "./stack_paths.ts";
import { stackStatus } from "./stack_status.ts";
import { stackUp } from "./stack_up.ts";
import { stackUser } from "./stack_user.ts";

export { stackDown, type StackDownOptions } from "./stack_down.ts";
export { isStackUp, type PartStatus, type StackStatus, stackStatus } from "./stack_status.ts";
export { stackUp, type StackUpOptions } from "./stack_up.ts";

/** Shows enough of a secret to tell values apart, never enough to use it. */
export function maskSecret(value: string): string {
  return value.length <= 12 ? "****" : `${value.slice(0, 6)}…${value.slice(-4)}`;
}

async function printStatus(): Promise<boolean> {
  const { up, parts } = await stackStatus();
  for (const part of parts) {
    console.log(
      `${part.up ? "up  " : "DOWN"}  ${part.name.padEnd(34)} ${part.url}  (${part.detail})`,
    );
  }
  console.log("\nEnvironment (local values; secrets masked, full values in local/stack_env.ts):");
  for (const [name, value] of Object.entries(stackEnv)) {
    console.log(`  ${name}=${secretEnvNames.includes(name) ? maskSecret(value) : value}`);
  }
  console.log("\nLogs: .local/stack/logs/ (postgres.log, moto.log, services.log)");
  console.log(`Database cluster: ${stackPaths.pgData}`);
  return up;
}

async function main(args: string[]): Promise<number> {
  const [command = "status", ...flags] = args;
  const started = performance.now();
  const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  switch (command) {
    case "up":
    case "restart": {
      console.log(
        command === "up" ? "Bringing the local stack up" : "Restarting the local stack's services",
      );
      const { alreadyUp } = await stackUp({ restartServices: command === "restart" });
      console.log(
        alreadyUp && command === "up"
          ? `The local stack is already up (${took()})`
          : `The local stack is up (${took()})`,
      );
      await printStatus();
      return 0;
    }
    case "down":
      console.log("Stopping the local stack");
      await stackDown({ reset: flags.includes("--reset") });
      console.log(`The local stack is down (${took()})`);
      return 0;
    case "status":
      return (await printStatus()) ? 0 : 1;
    case "user":
      return await stackUser(flags);
    default:
      console.error(
        `Cannot run stack ${command}: use up, restart, status, down [--reset] or user add`,
      );
      return 2;
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
