/**
 * `deno task normalize` over the real SolarEdge and Enphase captures in ../shared/fixtures: every
 * capture gives readings, and each reading's value is the raw file's value for that interval (the
 * SMA and GoodWe captures are covered in normalize_test.ts). Skipped only when ../shared is absent.
 */
import assert from "node:assert/strict";
import { main } from "./normalize.ts";

const vendors = new URL("../../shared/fixtures/vendors/", import.meta.url);
const present = (() => {
  try {
    return Deno.statSync(vendors).isDirectory;
  } catch {
    return false;
  }
})();

async function normalize(args: string[], file: string) {
  const raw = Deno.readTextFileSync(new URL(file, vendors));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdin: new Response(raw).body!,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  });
  assert.equal(code, 0, err.join(""));
  const readings = JSON.parse(out.join("")) as Array<{ ts: string; metric: string; value: number }>;
  assert.ok(readings.length > 0, `${file} gave no readings`);
  return { raw: JSON.parse(raw), readings };
}

for (
  const [file, series] of [["power_quarter_hour.json", "power"], [
    "energy_quarter_hour.json",
    "energy",
  ]]
) {
  Deno.test({
    name: `normalize solaredge ${series} reads the real capture with the raw values`,
    ignore: !present,
    fn: async () => {
      const { raw, readings } = await normalize(["solaredge", series], `solaredge-v2/${file}`);
      const scale = ({ W: 1, WH: 1, KW: 1000, KWH: 1000 } as Record<string, number>)[raw.unit];
      // Each value is stamped with its bucket's start (with an offset); the reading with its end.
      const byEnd = new Map<string, number>();
      for (const v of raw.values as Array<{ timestamp: string; value: number | null }>) {
        if (v.value === null) continue;
        byEnd.set(new Date(Date.parse(v.timestamp) + 900_000).toISOString(), v.value * scale);
      }
      assert.equal(readings.length, byEnd.size);
      for (const r of readings) assert.equal(r.value, byEnd.get(r.ts), r.ts);
    },
  });
}

const enphase: Array<[string, string, string[]]> = [
  ["enphase-system-telemetry-inverter-01.json", "production_micro", ["powr", "enwh"]],
  ["enphase-system-telemetry-inverter-02.json", "production_micro", ["powr", "enwh"]],
  // rgm_stats intervals have the production meter's shape (end_at, wh_del).
  ["enphase-system-telemetry-rgm-01.json", "production_meter", ["wh_del"]],
  ["enphase-system-telemetry-rgm-02.json", "production_meter", ["wh_del"]],
];
for (const [file, kind, fields] of enphase) {
  Deno.test({
    name: `normalize enphase ${kind} reads ${file} with the raw values`,
    ignore: !present,
    fn: async () => {
      const { raw, readings } = await normalize(["enphase", kind], `enphase/${file}`);
      const metric: Record<string, string> = {
        powr: "power_w",
        enwh: "energy_wh",
        wh_del: "energy_wh",
      };
      const expected = new Map<string, number>();
      for (const i of raw.intervals as Array<Record<string, number | null>>) {
        for (const f of fields) {
          if (typeof i[f] !== "number" || (metric[f] === "energy_wh" && i[f]! < 0)) continue;
          expected.set(`${new Date(i.end_at! * 1000).toISOString()}|${metric[f]}`, i[f]!);
        }
      }
      assert.equal(readings.length, expected.size);
      for (const r of readings) assert.equal(r.value, expected.get(`${r.ts}|${r.metric}`));
    },
  });
}
