/** The options of `deno task bench` (README.md), read and checked before anything starts. */
import { parseArgs } from "node:util";

export interface BenchOptions {
  sites: number;
  credentials: number;
  latencyMs: number;
  s3LatencyMs: number;
  baseline: boolean;
  /** How many sites the baseline walks; its time is scaled to `sites` when fewer. */
  baselineSites: number;
  check: boolean;
  micro: boolean;
  /** How long the cycle may take before the bench stops waiting and reports what synced. */
  timeoutS: number;
}

export function parseBenchArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      sites: { type: "string", default: "1000" },
      credentials: { type: "string", default: "20" },
      "latency-ms": { type: "string", default: "300" },
      "s3-latency-ms": { type: "string", default: "0" },
      "no-baseline": { type: "boolean", default: false },
      "baseline-sites": { type: "string" },
      check: { type: "boolean", default: false },
      micro: { type: "boolean", default: false },
      "timeout-s": { type: "string", default: "600" },
    },
  });
  const whole = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new RangeError(
        `Cannot run the bench: --${name} must be a whole number from ${min} to ${max}, got ${raw}`,
      );
    }
    return n;
  };
  const sites = whole("sites", values.sites, 4, 100_000);
  const options: BenchOptions = {
    sites,
    credentials: whole("credentials", values.credentials, 4, sites),
    latencyMs: whole("latency-ms", values["latency-ms"], 0, 10_000),
    s3LatencyMs: whole("s3-latency-ms", values["s3-latency-ms"], 0, 10_000),
    baseline: !values["no-baseline"],
    baselineSites: values["baseline-sites"] === undefined
      ? sites
      : whole("baseline-sites", values["baseline-sites"], 4, sites),
    check: values.check,
    micro: values.micro,
    timeoutS: whole("timeout-s", values["timeout-s"], 10, 7200),
  };
  return options;
}
