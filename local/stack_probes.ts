/**
 * Health checks of each part of the local stack, shared by `stack up` (wait until ready),
 * `stack status` and `isStackUp()`. Each answers within about two seconds, up or not.
 */
import { healthPath } from "./gateway.ts";
import { postgresAnswers } from "./postgres_cluster.ts";
import { type Source, SOURCES, VENDORS } from "../shared/vendors.ts";
import { stackEnv, stackPorts } from "./stack_env.ts";

export interface Probe {
  name: string;
  url: string;
  check(): Promise<{ up: boolean; detail: string }>;
}

const local = "http://127.0.0.1";

async function get(url: string, method = "GET"): Promise<Response> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response;
}

/** Keyed by part; `Object.values` gives them in start order. */
type Part = "db" | "functions" | "s3" | Source;

/** Every vendor simulator answers `/_sim/health` on its own port. */
function vendorSimulatorProbe(source: Source): Probe {
  const port = stackPorts[source];
  return {
    name: `${VENDORS[source].name} simulator`,
    url: stackEnv[VENDORS[source].baseUrlEnv as keyof typeof stackEnv] as string,
    async check() {
      try {
        const response = await get(`${local}:${port}/_sim/health`);
        return response.ok ? ok("healthy") : down(`health answered HTTP ${response.status}`);
      } catch (error) {
        return unreachable(error);
      }
    },
  };
}

export const stackProbes: Readonly<Record<Part, Probe>> = Object
  .freeze({
    db: {
      name: "Postgres",
      url: stackEnv.SUPABASE_DB_URL.replace(":postgres@", ":****@"),
      check: async () =>
        (await postgresAnswers()) ? ok("accepting connections") : down("not answering"),
    },
    functions: {
      name: "Functions gateway + pg_net worker",
      url: `${stackEnv.SUPABASE_URL}/functions/v1/`,
      async check() {
        try {
          const response = await fetch(`${local}:${stackPorts.api}${healthPath}`, {
            signal: AbortSignal.timeout(2000),
          });
          const body = await response.json().catch(() => ({}));
          if (response.ok && body.status === "ok") return ok(`worker ${body.worker}`);
          return down(`health says ${JSON.stringify(body)}`);
        } catch (error) {
          return unreachable(error);
        }
      },
    },
    s3: {
      name: "S3 (moto)",
      url: stackEnv.S3_ENDPOINT,
      async check() {
        try {
          // moto accepts unsigned requests, so a plain HEAD tells whether the bucket exists.
          const response = await get(
            `${stackEnv.S3_ENDPOINT}/${stackEnv.METER_DATA_BUCKET}`,
            "HEAD",
          );
          return response.ok
            ? ok(`bucket ${stackEnv.METER_DATA_BUCKET}`)
            : down(`bucket ${stackEnv.METER_DATA_BUCKET} missing (HTTP ${response.status})`);
        } catch (error) {
          return unreachable(error);
        }
      },
    },
    ...Object.fromEntries(
      SOURCES.map((source) => [source, vendorSimulatorProbe(source)]),
    ) as Record<
      Source,
      Probe
    >,
  });

function ok(detail: string) {
  return { up: true, detail };
}

function down(detail: string) {
  return { up: false, detail };
}

function unreachable(error: unknown) {
  const cause = (error as Error).cause as Error | undefined;
  return down(`not answering (${cause?.message ?? (error as Error).message})`);
}
