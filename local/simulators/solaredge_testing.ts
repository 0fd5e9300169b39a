/**
 * Shared set-up for the SolarEdge simulator tests: three sites in zones with different DST rules,
 * a clock the test moves by hand, and an assertion for the vendor's problem+json errors.
 */
import assert from "node:assert/strict";
import {
  createSolarEdgeSimulator,
  type SimSite,
  type SolarEdgeSimulatorOptions,
} from "./solaredge.ts";
import { manualClock } from "./sim_testing.ts";

export const BERLIN: SimSite = {
  siteId: 3066774,
  name: "Berlin",
  timeZone: "Europe/Berlin",
  peakPowerKw: 5.68,
};
export const LONDON: SimSite = {
  siteId: 42,
  name: "Leeds",
  timeZone: "Europe/London",
  peakPowerKw: 9.9,
};
export const NEW_YORK: SimSite = {
  siteId: 7,
  name: "Albany",
  timeZone: "America/New_York",
  peakPowerKw: 48,
};

export interface Series {
  period: { from: string; to: string };
  unit: string;
  resolution: string;
  values: { timestamp: string; value: number | null }[];
}

/** A simulator with key-a (three sites) on a clock the test moves by hand. */
export function setupSim(options: SolarEdgeSimulatorOptions = {}) {
  const clock = manualClock("2026-12-01T00:00:00Z");
  const sim = createSolarEdgeSimulator({ now: clock.now, ...options });
  sim.addAccount({ apiKey: "key-a", sites: [BERLIN, LONDON, NEW_YORK] });
  const get = (path: string, headers: Record<string, string> = { "x-api-key": "key-a" }) =>
    sim.handler(new Request(`http://sim.test${path}`, { headers }));
  const series = async (siteId: number, kind: string, from: string, to: string) => {
    const q = new URLSearchParams({ from, to, resolution: "QUARTER_HOUR" });
    const res = await get(`/v2/sites/${siteId}/${kind}?${q}`);
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json() as Series;
  };
  return {
    sim,
    get,
    series,
    setNow: clock.setNow,
    advance: clock.advance,
  };
}

export async function assertProblem(res: Response, status: number, detail: RegExp) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assert.equal(body.type, "https://se-api.stoplight.io/docs/monitoring");
  assert.equal(body.status, status);
  assert.match(body.detail, detail);
  assert.match(body.properties.traceId, /^[0-9a-f]{32}$/);
  return body;
}
