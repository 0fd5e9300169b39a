/** An S3 client for the local stack's moto, with the functions' own settings (shared/s3.ts). */
import { loadConfig } from "../shared/config.ts";
import { s3Client } from "../shared/s3.ts";
import { stackEnv } from "./stack_env.ts";

export function stackS3Client() {
  return s3Client(loadConfig(stackEnv));
}
