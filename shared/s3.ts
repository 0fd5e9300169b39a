/**
 * Where envelopes land. S3 itself, or any S3-compatible store through S3_ENDPOINT (moto locally,
 * Supabase Storage's S3 protocol): path-style addressing, and checksums only when an operation
 * requires one, since SDK v3.729's default CRC32 headers break most compatible stores
 * (supabase.md §8).
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "./config.ts";

export interface ObjectStore {
  put(key: string, body: string): Promise<void>;
}

/** The client with the settings above; the local stack, demo and tests use the same one. */
export function s3Client(
  config: Pick<Config, "awsRegion" | "s3Endpoint" | "awsAccessKeyId" | "awsSecretAccessKey">,
): S3Client {
  return new S3Client({
    region: config.awsRegion,
    endpoint: config.s3Endpoint,
    forcePathStyle: Boolean(config.s3Endpoint),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Explicit credentials keep the SDK away from ~/.aws files, which Edge Functions cannot read.
    credentials: config.awsAccessKeyId && config.awsSecretAccessKey
      ? { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey }
      : undefined,
  });
}

export function createS3Store(config: Config): ObjectStore {
  const client = s3Client(config);
  return {
    async put(key, body) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
          }),
        );
      } catch (error) {
        // A bare "connect ECONNREFUSED" or "SlowDown" does not say it was S3, or which object.
        throw new Error(
          `Cannot write s3://${config.bucket}/${key}: ${(error as Error).message || "no answer"}`,
          { cause: error },
        );
      }
    },
  };
}
