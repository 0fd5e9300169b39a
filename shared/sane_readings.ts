/**
 * The last check on readings before they are written, whatever the vendor's map let through: a
 * value that is not a finite number (`1e308` parses to Infinity, which JSON writes as `null`), one
 * no inverter cloud's site can produce (beyond 10 GW, or 10 GWh in one interval: five times the
 * largest plant there is; `1e308` W is finite but no measurement), a negative energy, or a time
 * that cannot be the asked window's (before 1971, or a day beyond the window either side) is
 * dropped and counted with the map's own drops, never stored.
 */
import type { Reading } from "./types.ts";

const DAY = 86_400_000;
/** W, or Wh per interval: above it a value is an error of the vendor's, not a reading. */
const IMPLAUSIBLE = 1e10;

export function saneReadings(
  readings: Reading[],
  window: { from: Date; to: Date },
): { readings: Reading[]; dropped: number } {
  const earliest = Math.max(Date.UTC(1971, 0, 1), window.from.getTime() - DAY);
  const latest = window.to.getTime() + DAY;
  const kept = readings.filter((r) => {
    if (typeof r.value !== "number" || !Number.isFinite(r.value)) return false;
    if (Math.abs(r.value) > IMPLAUSIBLE) return false;
    if (r.metric === "energy_wh" && r.value < 0) return false;
    const at = Date.parse(r.ts);
    return Number.isFinite(at) && at >= earliest && at <= latest;
  });
  return { readings: kept, dropped: readings.length - kept.length };
}
