import assert from "node:assert/strict";
import { main } from "./normalize.ts";

function io(input: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdin: new Response(input).body!,
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

const power = Deno.readTextFileSync(
  new URL("../supabase/functions/solaredge/testdata/power_quarter_hour.json", import.meta.url),
);

Deno.test("normalize solaredge power prints canonical readings as a JSON array", async () => {
  const t = io(power);
  assert.equal(await main(["solaredge", "power"], t.io), 0);
  const readings = JSON.parse(t.out());
  assert.ok(Array.isArray(readings) && readings.length > 10);
  assert.deepEqual(Object.keys(readings[0]).sort(), ["metric", "ts", "value"]);
  assert.equal(readings[0].metric, "power_w");
  assert.match(t.err(), /intervals without a value were dropped/);
});

Deno.test("normalize uses --tz for timestamps without an offset", async () => {
  const body = JSON.stringify({
    unit: "WH",
    values: [{ timestamp: "2026-07-01 12:00:00", value: 5 }],
  });
  const t = io(body);
  assert.equal(await main(["solaredge", "energy", "--tz", "America/Denver"], t.io), 0);
  assert.equal(JSON.parse(t.out())[0].ts, "2026-07-01T18:15:00.000Z");
});

Deno.test("normalize names an unknown vendor, a bad zone and non-JSON input", async () => {
  let t = io("{}");
  assert.equal(await main(["fronius", "power"], t.io), 2);
  assert.match(t.err(), /unknown vendor or kind "fronius power"/);
  t = io("{}");
  assert.equal(await main(["solaredge", "power", "--tz", "Nowhere/Land"], t.io), 2);
  assert.match(t.err(), /not an IANA time zone/);
  t = io("<html>");
  assert.equal(await main(["solaredge", "power"], t.io), 1);
  assert.match(t.err(), /standard input is not JSON/);
  t = io('{"values": 3}');
  assert.equal(await main(["solaredge", "power"], t.io), 1);
  assert.match(t.err(), /values is missing/);
});

Deno.test("normalize runs as a real command through the deno task", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", new URL("./normalize.ts", import.meta.url).pathname, "solaredge", "power"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(power));
  await w.close();
  const { code, stdout } = await child.output();
  assert.equal(code, 0);
  assert.ok(JSON.parse(new TextDecoder().decode(stdout)).length > 10);
});

Deno.test("normalize enphase production_micro and production_meter read epoch interval ends", async () => {
  const micro = Deno.readTextFileSync(
    new URL("../supabase/functions/enphase/testdata/production_micro_day.json", import.meta.url),
  );
  let t = io(micro);
  assert.equal(await main(["enphase", "production_micro"], t.io), 0);
  const readings = JSON.parse(t.out());
  assert.ok(readings.some((r: { metric: string }) => r.metric === "power_w"));
  assert.ok(readings.every((r: { ts: string }) => r.ts.endsWith("Z")));
  const meter = Deno.readTextFileSync(
    new URL("../supabase/functions/enphase/testdata/production_meter_day.json", import.meta.url),
  );
  t = io(meter);
  assert.equal(await main(["enphase", "production_meter"], t.io), 0);
  assert.ok(JSON.parse(t.out()).every((r: { device: string }) => r.device === "production_meter"));
});

Deno.test("normalize sma measurements applies the spike guard only with --capacity-w", async () => {
  const body = Deno.readTextFileSync(
    new URL("../supabase/functions/sma/testdata/day_new_york_energy.json", import.meta.url),
  );
  let t = io(body);
  assert.equal(await main(["sma", "measurements"], t.io), 0);
  const unguarded = JSON.parse(t.out()).length;
  t = io(body);
  assert.equal(await main(["sma", "measurements", "--capacity-w", "5000"], t.io), 0);
  assert.ok(JSON.parse(t.out()).length < unguarded);
  t = io(body);
  assert.equal(await main(["sma", "measurements", "--capacity-w", "0"], t.io), 2);
  assert.match(t.err(), /--capacity-w must be a positive number/);
});

const smaCaptures = new URL("../../shared/fixtures/vendors/sma/", import.meta.url);
const smaCapturesPresent = (() => {
  try {
    return Deno.statSync(smaCaptures).isDirectory;
  } catch {
    return false;
  }
})();

/** Runs `normalize sma measurements` on a file; its readings, and the raw day set. */
async function normalizeSma(file: URL) {
  const text = Deno.readTextFileSync(file);
  const t = io(text);
  assert.equal(await main(["sma", "measurements"], t.io), 0, t.err());
  return { readings: JSON.parse(t.out()), raw: JSON.parse(text) };
}

Deno.test("normalize sma measurements maps PowerAc to power_w and pvGeneration to energy_wh", async () => {
  const ac = await normalizeSma(
    new URL("../supabase/functions/sma/testdata/day_new_york_power_ac.json", import.meta.url),
  );
  assert.equal(ac.readings.length, 9);
  assert.ok(ac.readings.every((r: { metric: string }) => r.metric === "power_w"));
  assert.deepEqual(
    ac.readings.map((r: { value: number }) => r.value),
    ac.raw.set.filter((e: { activePower?: number }) => e.activePower !== undefined)
      .map((e: { activePower: number }) => e.activePower),
  );
});

Deno.test("normalize sma measurements names unreadable times instead of printing nothing", async () => {
  const raw = JSON.parse(Deno.readTextFileSync(
    new URL("../supabase/functions/sma/testdata/day_new_york_power_ac.json", import.meta.url),
  ));
  const broken = {
    ...raw,
    set: raw.set.map((e: { time: string }) => ({ ...e, time: e.time.replace("T", " ") })),
  };
  const t = io(JSON.stringify(broken));
  assert.equal(await main(["sma", "measurements"], t.io), 1);
  assert.match(
    t.err(),
    /Cannot read any value of SMA PowerAc response: set\[\]\.time \(10 unreadable/,
  );
  assert.equal(t.out(), "");
});

Deno.test({
  name: "normalize sma measurements reads the real PowerAc and EnergyAndPowerPv captures",
  ignore: !smaCapturesPresent,
  async fn() {
    const files = [...Deno.readDirSync(smaCaptures)].map((e) => e.name)
      .filter((n) => /^sma-device-data-Day-(PowerAc|EnergyAndPowerPv)/.test(n)).sort();
    assert.ok(files.some((n) => n.includes("PowerAc")) && files.some((n) => n.includes("Pv")));
    for (const name of files) {
      const { readings, raw } = await normalizeSma(new URL(name, smaCaptures));
      const field = raw.setType === "PowerAc" ? "activePower" : "pvGeneration";
      assert.ok(readings.length > 0, name);
      assert.equal(readings.length, raw.set.length, name);
      assert.deepEqual(
        readings.map((r: { value: number }) => r.value),
        raw.set.map((e: Record<string, number>) => e[field]),
        name,
      );
      const metric = raw.setType === "PowerAc" ? "power_w" : "energy_wh";
      assert.ok(readings.every((r: { metric: string }) => r.metric === metric), name);
    }
  },
});

Deno.test("normalize goodwe reads both the envelope and bare data, and needs --tz", async () => {
  const text = Deno.readTextFileSync(
    new URL("../supabase/functions/goodwe/testdata/pac_by_day_dst.json", import.meta.url),
  );
  let t = io(text);
  assert.equal(await main(["goodwe", "pac_by_day", "--tz", "Europe/Amsterdam"], t.io), 0);
  const fromEnvelope = JSON.parse(t.out());
  assert.ok(fromEnvelope.length > 100);
  const parsed = JSON.parse(text);
  t = io(JSON.stringify(parsed.data ?? parsed));
  assert.equal(await main(["goodwe", "pac_by_day", "--tz", "Europe/Amsterdam"], t.io), 0);
  assert.deepEqual(JSON.parse(t.out()), fromEnvelope);
  t = io(text);
  assert.equal(await main(["goodwe", "monitor_detail"], t.io), 1);
  assert.match(t.err(), /--tz ZONE is required/);
});

const goodweFixtures = new URL("../../shared/fixtures/vendors/goodwe/", import.meta.url);
const goodweFixturesPresent = (() => {
  try {
    return Deno.statSync(goodweFixtures).isDirectory;
  } catch {
    return false;
  }
})();

/** The raw value a GoodWe detail reading came from, in the reading's unit. */
function goodweRawValue(inverter: Record<string, unknown>, metric: string): number {
  const d = (inverter.d ?? {}) as Record<string, number>;
  const kwh = (v: unknown) => Math.round((v as number) * 1000 * 1000) / 1000;
  const fields: Record<string, () => number> = {
    power_w: () => inverter.out_pac as number,
    energy_today_wh: () => kwh(inverter.eday),
    energy_total_wh: () => kwh(inverter.etotal),
    temperature_c: () => inverter.tempperature as number,
  };
  const phase = /^ac_(voltage|current|frequency)_l(\d)_/.exec(metric);
  if (phase) {
    return d[`${{ voltage: "vac", current: "iac", frequency: "fac" }[phase[1]]}${phase[2]}`];
  }
  const pv = /^pv_(voltage|current)_(\d)_/.exec(metric);
  if (pv) return d[`${pv[1] === "voltage" ? "vpv" : "ipv"}${pv[2]}`];
  return fields[metric]();
}

Deno.test({
  name:
    "normalize goodwe monitor_detail reads every real capture in ../shared to its raw values (skipped when absent)",
  ignore: !goodweFixturesPresent,
  async fn() {
    const details = [...Deno.readDirSync(goodweFixtures)]
      .map((e) => e.name)
      .filter((name) => /getData|get_data/i.test(name))
      .sort();
    assert.ok(details.length >= 2, details.join(", "));
    for (const name of details) {
      const text = Deno.readTextFileSync(new URL(name, goodweFixtures));
      const t = io(text);
      assert.equal(await main(["goodwe", "monitor_detail", "--tz", "Europe/Amsterdam"], t.io), 0);
      const readings = JSON.parse(t.out()) as Array<
        { ts: string; metric: string; value: number; device?: string }
      >;
      assert.ok(readings.length > 0, `${name}: no readings`);
      const raw = JSON.parse(text).data;
      for (const r of readings) {
        const inverter = raw.inverter.find((i: { sn: string }) => i.sn === r.device);
        assert.ok(inverter, `${name}: ${r.metric} has no inverter ${r.device}`);
        assert.equal(r.value, goodweRawValue(inverter, r.metric), `${name}: ${r.metric}`);
        assert.ok(!Number.isNaN(Date.parse(r.ts)), r.ts);
      }
    }
  },
});

Deno.test("normalize goodwe reads testdata with spaced times, dotted dates and odd zones", async () => {
  const dir = new URL("../supabase/functions/goodwe/testdata/", import.meta.url);
  let t = io(Deno.readTextFileSync(new URL("pac_by_day_dotted.json", dir)));
  assert.equal(await main(["goodwe", "pac_by_day", "--tz", "Europe/Amsterdam"], t.io), 0);
  const curve = JSON.parse(t.out());
  assert.deepEqual(curve[0], { ts: "2026-04-03T08:00:00.000Z", metric: "power_w", value: 1200 });
  assert.equal(curve.length, 6);
  t = io(Deno.readTextFileSync(new URL("monitor_detail_spaced.json", dir)));
  assert.equal(await main(["goodwe", "monitor_detail", "--tz", "Asia/Kolkata"], t.io), 0);
  const detail = JSON.parse(t.out());
  assert.ok(detail.some((r: { ts: string }) => r.ts === "2026-04-03T05:32:36.000Z"));
  t = io(JSON.stringify({ pacs: [{ date: "yesterday noon", pac: 5 }] }));
  assert.equal(await main(["goodwe", "pac_by_day", "--tz", "Europe/Amsterdam"], t.io), 1);
  assert.match(t.err(), /pacs\[\]\.date \(1 unreadable, e\.g\. "yesterday noon"\)/);
});
