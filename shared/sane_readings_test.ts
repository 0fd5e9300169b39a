import assert from "node:assert/strict";
import { saneReadings } from "./sane_readings.ts";

const window = { from: new Date("2026-06-15T00:00:00Z"), to: new Date("2026-06-15T12:00:00Z") };
const at = (ts: string, value: number, metric = "power_w") => ({ ts, metric, value });

Deno.test("non-finite and implausible values, negative energy and impossible times are dropped and counted", () => {
  const good = [at("2026-06-15T10:00:00Z", 512), at("2026-06-15T10:00:00Z", 0, "energy_wh")];
  const bad = [
    at("2026-06-15T10:15:00Z", Number.parseFloat("1e309")),
    at("2026-06-15T10:15:00Z", Number.NaN),
    at("2026-06-15T10:15:00Z", 1e308),
    at("2026-06-15T10:15:00Z", 2e10, "energy_wh"),
    at("2026-06-15T10:15:00Z", -5, "energy_wh"),
    at("1970-01-01T00:00:00Z", 10),
    at("2099-01-01T00:00:00Z", 10),
    at("not a time", 10),
    { ts: "2026-06-15T10:30:00Z", metric: "power_w", value: "12" as unknown as number },
  ];
  const out = saneReadings([...good, ...bad], window);
  assert.deepEqual(out.readings, good);
  assert.equal(out.dropped, bad.length);
  // Power may be negative (a meter's night draw); energy may not.
  assert.equal(saneReadings([at("2026-06-15T01:00:00Z", -3)], window).dropped, 0);
});
