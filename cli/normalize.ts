/**
 * `deno task normalize <vendor> <kind> [--tz ZONE] < response.json`: prints the canonical readings
 * of a saved vendor response as a JSON array, the way the fetcher would store them. For operators
 * debugging a site's numbers without touching the database or S3.
 */
import { parseArgs } from "node:util";
import { toReadings as solaredgeReadings } from "../supabase/functions/solaredge/map.ts";
import { isTimeZone } from "../shared/time.ts";
import type { Reading } from "../shared/types.ts";
import { type CliIo, processIo, readAll } from "./io.ts";

type Normalizer = (
  body: unknown,
  options: { tz?: string },
) => { readings: Reading[]; dropped: number };

const NORMALIZERS: Record<string, Record<string, Normalizer>> = {
  solaredge: {
    power: (body, o) => solaredgeReadings(body, "power", { timeZone: o.tz }),
    energy: (body, o) => solaredgeReadings(body, "energy", { timeZone: o.tz }),
  },
};

const USAGE = "Usage: deno task normalize <vendor> <kind> [--tz ZONE] < response.json\n" +
  Object.entries(NORMALIZERS).map(([v, k]) => `  ${v}: ${Object.keys(k).join(" | ")}`).join("\n") +
  "\n";

export async function main(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { tz: { type: "string" } } });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [vendor, kind] = parsed.positionals;
  const normalize = NORMALIZERS[vendor ?? ""]?.[kind ?? ""];
  if (!normalize) {
    io.stderr(`Cannot normalize: unknown vendor or kind "${vendor ?? ""} ${kind ?? ""}"\n${USAGE}`);
    return 2;
  }
  const tz = parsed.values.tz;
  if (tz !== undefined && !isTimeZone(tz)) {
    io.stderr(`Cannot normalize: --tz ${tz} is not an IANA time zone\n`);
    return 2;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readAll(io.stdin));
  } catch {
    io.stderr("Cannot normalize: standard input is not JSON\n");
    return 1;
  }
  try {
    const { readings, dropped } = normalize(body, { tz });
    io.stdout(`${JSON.stringify(readings, null, 2)}\n`);
    if (dropped > 0) io.stderr(`${dropped} intervals without a value were dropped\n`);
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args, processIo()));
