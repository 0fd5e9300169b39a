/**
 * Where envelopes land. S3 itself, or any S3-compatible store through S3_ENDPOINT (moto locally,
 * Supabase Storage's S3 protocol): path-style addressing, and checksums only when an operation
 * requires one, since SDK v3.729's default CRC32 headers break most compatible stores
 * (supabase.md §8).
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "./config.ts";

/**
 * How long one put may take, the SDK's own retries (of 503 SlowDown, resets) included: without a
 * bound a store that never answers holds the site until the worker's wall clock kills it.
 */
export const PUT_TIMEOUT_MS = 20_000;
/** The SDK's attempts per put (its default): each may take a third of the put's time. */
const PUT_ATTEMPTS = 3;

export interface ObjectStore {
  put(key: string, body: string): Promise<void>;
}

/** The client with the settings above; the local stack, demo and tests use the same one. */
export function s3Client(
  config: Pick<Config, "awsRegion" | "s3Endpoint" | "awsAccessKeyId" | "awsSecretAccessKey">,
  options: { attemptTimeoutMs?: number } = {},
): S3Client {
  const attempt = options.attemptTimeoutMs;
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
    // The middleware stack is resolved once per command type instead of on every put (a quarter
    // of a put's CPU, bench/s3_upload.ts). The SDK skips that cache for a call given options of
    // its own, so a put is bounded by per-attempt timeouts rather than an AbortSignal.
    cacheMiddleware: true,
    ...(attempt === undefined ? {} : {
      maxAttempts: PUT_ATTEMPTS,
      requestHandler: {
        connectionTimeout: attempt,
        requestTimeout: attempt,
        throwOnRequestTimeout: true,
      },
    }),
  });
}

export function createS3Store(
  config: Config,
  options: { putTimeoutMs?: number } = {},
): ObjectStore {
  const timeoutMs = options.putTimeoutMs ?? PUT_TIMEOUT_MS;
  const client = s3Client(config, { attemptTimeoutMs: Math.floor(timeoutMs / PUT_ATTEMPTS) });
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
        const name = (error as Error).name;
        const why = name === "TimeoutError" || name === "AbortError"
          ? `no answer within ${timeoutMs / 1000} s`
          : (error as Error).message || "no answer";
        throw new Error(`Cannot write s3://${config.bucket}/${key}: ${why}`, { cause: error });
      }
    },
  };
}
