import assert from "node:assert/strict";
import { pvPowerW, type PvSite } from "./pv_curve.ts";

const berlin: PvSite = { siteId: 3066774, timeZone: "Europe/Berlin", peakPowerKw: 5.68 };
const QUARTER_MS = 15 * 60_000;

/** The 96 quarter hours from a UTC instant that is local midnight for the site. */
function day(site: PvSite, midnightIso: string): (number | null)[] {
  const start = Date.parse(midnightIso);
  return Array.from({ length: 96 }, (_, i) => pvPowerW(site, new Date(start + i * QUARTER_MS)));
}

Deno.test("pvPowerW is null in the site's local night and positive in its local day", () => {
  const at = new Date("2026-06-21T12:00:00Z");
  assert.ok((pvPowerW(berlin, at) ?? 0) > 0, "14:00 in Berlin");
  assert.equal(pvPowerW({ ...berlin, timeZone: "Australia/Sydney" }, at), null, "22:00 in Sydney");
  assert.equal(pvPowerW({ ...berlin, timeZone: "Asia/Tokyo" }, at), null, "21:00 in Tokyo");
  assert.ok((pvPowerW({ ...berlin, timeZone: "America/New_York" }, at) ?? 0) > 0, "08:00 NY");
});

Deno.test("pvPowerW wakes with zeros before the first watts, like the real inverter", () => {
  const values = day(berlin, "2026-08-23T22:00:00Z");
  const firstReported = values.findIndex((v) => v !== null);
  const firstPositive = values.findIndex((v) => v !== null && v > 0);
  assert.ok(
    firstReported > 0 && firstPositive > firstReported,
    `${firstReported} ${firstPositive}`,
  );
  assert.ok(values.slice(firstReported, firstPositive).every((v) => v === 0));
  const lastPositive = values.findLastIndex((v) => v !== null && v > 0);
  const lastReported = values.findLastIndex((v) => v !== null);
  assert.ok(lastReported > lastPositive && values[lastReported] === 0);
  assert.ok(values.slice(lastReported + 1).every((v) => v === null));
});

Deno.test("pvPowerW peaks around local solar noon and never exceeds nameplate", () => {
  // 2026-07-01 in Berlin, CEST: solar noon is near 13:00 on the wall clock.
  const values = day(berlin, "2026-06-30T22:00:00Z").map((v) => v ?? 0);
  const best = values.indexOf(Math.max(...values));
  assert.ok(best >= 4 * 12 && best <= 4 * 14, `peak at slot ${best}`);
  assert.ok(values[best] > 0.6 * 5680 && values[best] <= 5680, `peak ${values[best]}`);
  assert.ok(values.every((v) => v <= 5680));
});

Deno.test("pvPowerW days are longer in the local summer, on both hemispheres", () => {
  const producing = (values: (number | null)[]) => values.filter((v) => v !== null && v > 0).length;
  const sydney = { ...berlin, timeZone: "Australia/Sydney" };
  assert.ok(
    producing(day(berlin, "2026-06-20T22:00:00Z")) > producing(day(berlin, "2026-12-20T23:00:00Z")),
  );
  assert.ok(
    producing(day(sydney, "2026-12-20T13:00:00Z")) > producing(day(sydney, "2026-06-20T14:00:00Z")),
  );
});

Deno.test("pvPowerW is repeatable, scales with peak power and differs between sites", () => {
  const noon = new Date("2026-05-10T11:00:00Z");
  const a = pvPowerW(berlin, noon)!;
  assert.equal(pvPowerW({ ...berlin }, noon), a);
  const twice = pvPowerW({ ...berlin, peakPowerKw: 11.36 }, noon)!;
  assert.ok(Math.abs(twice - 2 * a) < 1e-9, `${twice} vs ${2 * a}`);
  assert.notEqual(pvPowerW({ ...berlin, siteId: 3066775 }, noon), a);
  assert.notEqual(pvPowerW(berlin, new Date(noon.getTime() + QUARTER_MS)), a);
});

Deno.test("pvPowerW averages over a shorter interval when asked", () => {
  // At dawn the curve rises steeply, so the first 5 minutes average less than the whole quarter.
  const values = day(berlin, "2026-08-23T22:00:00Z");
  const firstPositive = values.findIndex((v) => v !== null && v > 0);
  const start = new Date(Date.parse("2026-08-23T22:00:00Z") + (firstPositive + 1) * QUARTER_MS);
  const quarter = pvPowerW(berlin, start)!;
  const five = pvPowerW(berlin, start, { intervalMinutes: 5 })!;
  assert.ok(five > 0 && five < quarter, `${five} < ${quarter}`);
});
