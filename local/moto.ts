/**
 * S3 for the local stack: moto_server (Python moto) on 127.0.0.1:54330, plus the bucket the
 * functions write to. moto keeps everything in memory, so objects are gone after `stack down`.
 */
import { spawnDetached } from "./processes.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";

export const motoMarker = "moto_server";

/** Starts moto_server detached; returns its pid. */
export async function startMoto(): Promise<number> {
  return await spawnDetached(["moto_server", "-H", "127.0.0.1", "-p", String(stackPorts.s3)], {
    logFile: `${stackPaths.logs}/moto.log`,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/tmp" },
    cwd: stackPaths.state,
  });
}

/** Creates METER_DATA_BUCKET with the same client settings the functions use. */
export async function ensureBucket(): Promise<void> {
  // Loaded only here: the SDK takes a moment to import and status/down never need it.
  const { CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const { stackS3Client } = await import("./stack_s3.ts");
  const client = stackS3Client();
  try {
    await client.send(new CreateBucketCommand({ Bucket: stackEnv.METER_DATA_BUCKET }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  } finally {
    client.destroy();
  }
}
