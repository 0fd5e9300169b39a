/**
 * `deno task bench --s3`: the CPU one envelope upload costs on the main thread, the thread the
 * Edge limit counts, for each way of sending it, in one run against a private moto_server (an
 * ephemeral port, so it runs beside the stack). Rounds alternate the ways so that drift hits
 * them alike; the figures are ratios against the SDK as the functions first used it.
 *
 * - `sdk-node`: `@aws-sdk/client-s3` with its default request handler (node:http in Deno);
 * - `sdk-cached`: the same with `cacheMiddleware` (the stack resolved once per command type), as
 *   the functions' store sends it (shared/s3.ts);
 * - `sdk-fetch`: the same client over `@smithy/fetch-http-handler` (the runtime's own fetch);
 * - `sdk-fetch-cached`: over fetch and with `cacheMiddleware`;
 * - `aws4fetch`: a SigV4 signer over fetch, no SDK.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { AwsClient } from "aws4fetch";
import { mainThreadCpuMs } from "../local/proc_stats.ts";
import { mapLimit } from "../shared/pool.ts";

export interface UploadFigure {
  way: string;
  cpuMsPerPut: number;
  ratio: number;
}

const BUCKET = "bench-s3-upload";
const credentials = { accessKeyId: "bench", secretAccessKey: "bench-secret" };

type Put = (key: string, body: string) => Promise<void>;

function sdk(endpoint: string, handler?: FetchHttpHandler, cacheMiddleware = false): Put {
  const client = new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials,
    ...(handler ? { requestHandler: handler } : {}),
    cacheMiddleware,
  });
  return async (key, body) => {
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: body,
        ContentType: "application/json",
      }),
    );
  };
}

function signer(endpoint: string): Put {
  const aws = new AwsClient({ ...credentials, service: "s3", region: "us-east-1" });
  return async (key, body) => {
    const response = await aws.fetch(`${endpoint}/${BUCKET}/${key}`, {
      method: "PUT",
      body,
      headers: { "content-type": "application/json" },
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`S3 PutObject answered ${response.status}`);
  };
}

/** An envelope of a site's 12 h window, about the size the fleet writes (8 KB). */
function envelope(i: number): string {
  const readings = Array.from({ length: 48 }, (_, k) => ({
    ts: new Date(Date.UTC(2026, 5, 1, 0, 15 * k)).toISOString(),
    power_w: 1000 + ((i + k) % 97),
    energy_wh: 250 + (k % 13),
  }));
  return JSON.stringify({ site: { id: `site-${i}` }, readings });
}

async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command("moto_server", {
    args: ["-H", "127.0.0.1", "-p", String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(endpoint);
      await r.body?.cancel();
      return {
        endpoint,
        async stop() {
          child.kill("SIGTERM");
          await child.status;
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error("Cannot run the S3 bench: moto_server did not answer within 10 s");
}

export async function runS3Upload(
  options: { puts?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<UploadFigure[]> {
  const puts = options.puts ?? 300;
  const rounds = options.rounds ?? 3;
  const log = options.log ?? console.log;
  const moto = await startMoto();
  try {
    const admin = new S3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials,
    });
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    admin.destroy();
    const ways: Array<[string, Put]> = [
      ["sdk-node", sdk(moto.endpoint)],
      ["sdk-cached", sdk(moto.endpoint, undefined, true)],
      ["sdk-fetch", sdk(moto.endpoint, new FetchHttpHandler({ keepAlive: true }))],
      ["sdk-fetch-cached", sdk(moto.endpoint, new FetchHttpHandler({ keepAlive: true }), true)],
      ["aws4fetch", signer(moto.endpoint)],
    ];
    const bodies = Array.from({ length: puts }, (_, i) => envelope(i));
    const cpu = new Map<string, number>(ways.map(([w]) => [w, 0]));
    // One warm-up round each: lazy module loads and first connections are not per-put costs.
    for (const [way, put] of ways) await put(`warm/${way}`, bodies[0]);
    for (let round = 0; round < rounds; round++) {
      for (const [way, put] of ways) {
        const before = mainThreadCpuMs(Deno.pid) ?? 0;
        await mapLimit(bodies, 8, (body, i) => put(`${way}/${round}/${i}.json`, body));
        cpu.set(way, cpu.get(way)! + (mainThreadCpuMs(Deno.pid) ?? 0) - before);
      }
    }
    const base = cpu.get("sdk-node")! / (puts * rounds);
    const figures = ways.map(([way]) => {
      const perPut = cpu.get(way)! / (puts * rounds);
      return { way, cpuMsPerPut: round3(perPut), ratio: round3(base / perPut) };
    });
    log(`S3 PutObject of an 8 KB envelope, ${puts} × ${rounds} per way, 8 at a time (moto):`);
    for (const f of figures) {
      log(`  ${f.way.padEnd(16)} ${f.cpuMsPerPut.toFixed(3)} ms CPU per put, ${f.ratio}x as cheap`);
    }
    return figures;
  } finally {
    await moto.stop();
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (import.meta.main) await runS3Upload();
