/**
 * `deno task normalize <vendor> <kind> [--tz ZONE] < response.json`: prints the canonical readings
 * of a saved vendor response as a JSON array, the way the fetcher would store them. For operators
 * debugging a site's numbers without touching the database or S3.
 */
import { parseArgs } from "node:util";
import { toReadings as solaredgeReadings } from "../supabase/functions/solaredge/map.ts";
import { toReadings as enphaseReadings } from "../supabase/functions/enphase/map.ts";
import { toReadableReadings as smaReadings } from "../supabase/functions/sma/map.ts";
import { toReadableReadings as goodweReadings } from "../supabase/functions/goodwe/map.ts";
import { isTimeZone } from "../shared/time.ts";
import type { Reading } from "../shared/types.ts";
import { isSource, type Source } from "../shared/vendors.ts";
import { type CliIo, processIo, readAll } from "./io.ts";

type Normalizer = (
  body: unknown,
  options: { tz?: string; capacityW?: number },
) => { readings: Reading[]; dropped: number };

/** Keyed by the registry, so a vendor without its normalizer does not compile. */
const NORMALIZERS: Record<Source, Record<string, Normalizer>> = {
  solaredge: {
    power: (body, o) => solaredgeReadings(body, "power", { timeZone: o.tz }),
    energy: (body, o) => solaredgeReadings(body, "energy", { timeZone: o.tz }),
  },
  enphase: {
    production_micro: (body) => enphaseReadings(body, "production_micro"),
    production_meter: (body) => enphaseReadings(body, "production_meter"),
  },
  // The SMA response names its plant's time zone; --capacity-w turns the spike guard on.
  sma: {
    measurements: (body, o) => smaReadings(body, { capacityW: o.capacityW, timeZone: o.tz }),
  },
  // GoodWe dates carry no offset and the answers no zone: --tz is required.
  goodwe: {
    pac_by_day: (body, o) => goodweReadings(body, "pac_by_day", { timeZone: requireTz(o.tz) }),
    monitor_detail: (body, o) =>
      goodweReadings(body, "monitor_detail", { timeZone: requireTz(o.tz) }),
  },
};

function requireTz(tz: string | undefined): string {
  if (!tz) throw new Error("Cannot normalize GoodWe answers: --tz ZONE is required");
  return tz;
}

const USAGE =
  "Usage: deno task normalize <vendor> <kind> [--tz ZONE] [--capacity-w WATTS] < response.json\n" +
  Object.entries(NORMALIZERS).map(([v, k]) => `  ${v}: ${Object.keys(k).join(" | ")}`).join("\n") +
  "\n";

export async function main(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { tz: { type: "string" }, "capacity-w": { type: "string" } },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [vendor, kind] = parsed.positionals;
  const normalize = isSource(vendor) ? NORMALIZERS[vendor][kind ?? ""] : undefined;
  if (!normalize) {
    io.stderr(`Cannot normalize: unknown vendor or kind "${vendor ?? ""} ${kind ?? ""}"\n${USAGE}`);
    return 2;
  }
  const tz = parsed.values.tz;
  if (tz !== undefined && !isTimeZone(tz)) {
    io.stderr(`Cannot normalize: --tz ${tz} is not an IANA time zone\n`);
    return 2;
  }
  const capacity = parsed.values["capacity-w"];
  const capacityW = capacity === undefined ? undefined : Number(capacity);
  if (capacityW !== undefined && !(capacityW > 0)) {
    io.stderr(`Cannot normalize: --capacity-w must be a positive number of watts\n`);
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
    const { readings, dropped } = normalize(body, { tz, capacityW });
    io.stdout(`${JSON.stringify(readings, null, 2)}\n`);
    if (dropped > 0) io.stderr(`${dropped} intervals without a value were dropped\n`);
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args, processIo()));
