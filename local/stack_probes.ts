/**
 * Health checks of each part of the local stack, shared by `stack up` (wait until ready),
 * `stack status` and `isStackUp()`. Each answers within about two seconds, up or not.
 */
import { healthPath } from "./gateway.ts";
import { postgresAnswers } from "./postgres_cluster.ts";
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
type Part = "db" | "functions" | "s3" | "solaredge" | "enphase" | "sma" | "goodwe";

/** The token vendors' simulators answer `/_sim/health`, as each of them serves it. */
function simulatorProbe(name: string, url: string, port: number): Probe {
  return {
    name,
    url,
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
    solaredge: {
      name: "SolarEdge simulator",
      url: stackEnv.SOLAREDGE_BASE_URL,
      async check() {
        try {
          // Any HTTP answer will do: without an api_key the simulator rejects, as SolarEdge does.
          const response = await get(`${stackEnv.SOLAREDGE_BASE_URL}/sites`);
          return ok(`HTTP ${response.status} without a key`);
        } catch (error) {
          return unreachable(error);
        }
      },
    },
    enphase: simulatorProbe("Enphase simulator", stackEnv.ENPHASE_BASE_URL, stackPorts.enphase),
    sma: simulatorProbe("SMA simulator", stackEnv.SMA_BASE_URL, stackPorts.sma),
    goodwe: simulatorProbe("GoodWe simulator", stackEnv.GOODWE_LOGIN_URL, stackPorts.goodwe),
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
