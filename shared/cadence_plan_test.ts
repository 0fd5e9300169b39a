import assert from "node:assert/strict";
import { type CadenceInput, monthOfWindows, planCadence } from "./cadence_plan.ts";

// Enphase on the Watt plan: 1,000 calls a month for the whole app, two calls per day window.
const enphase = (sites: number, monthLimit = 1000): CadenceInput => ({
  sites,
  monthLimit,
  callsPerWindow: 2,
  windows: {
    lookbackHours: 2,
    resolutionMinutes: 15,
    alignment: { hours: 24 },
    catchUpMaxHours: 72,
    initialHistoryHours: 24,
  },
});

Deno.test("the planner's cadence for a quota-starved app still covers every interval", () => {
  const input = enphase(6);
  const hourly = planCadence({ ...input, monthLimit: Infinity });
  assert.equal(hourly.hours, 1);
  const plan = planCadence(input);
  assert.ok(plan.hours > 1, `cadence ${plan.hours}`);
  assert.equal(plan.fits, true);
  assert.ok(plan.monthlyCalls <= 800, `${plan.monthlyCalls} calls`);
  assert.match(plan.note!, /^Fetched every \d+ h: 6 sites share 1000 calls a month/);
  // Every quarter hour of the month is in some fetched window, and the fetches march on.
  const start = Date.UTC(2026, 0, 5);
  const windows = monthOfWindows(plan.hours, input, start);
  const covered = new Set<number>();
  for (const w of windows) {
    for (let t = w.from.getTime(); t < w.to.getTime(); t += 900_000) covered.add(t);
  }
  const reached = Math.max(...windows.map((w) => w.to.getTime()));
  assert.ok(reached >= start + (31 * 24 - plan.hours) * 3_600_000, new Date(reached).toISOString());
  for (let t = start; t < reached; t += 900_000) {
    assert.ok(covered.has(t), `${new Date(t).toISOString()} was never fetched`);
  }
  // And the month costs what the plan said.
  assert.equal(windows.length * 2 * 6, plan.monthlyCalls);
});

Deno.test("the planner keeps hourly fetches while the budget pays for them", () => {
  const plan = planCadence(enphase(1, 100_000));
  assert.deepEqual([plan.hours, plan.fits, plan.note], [1, true, null]);
  assert.deepEqual(planCadence({ ...enphase(50), monthLimit: undefined }).hours, 1);
});

Deno.test("a budget that cannot pay even daily fetches says so and fetches daily", () => {
  const plan = planCadence(enphase(200));
  assert.equal(plan.hours, 24);
  assert.equal(plan.fits, false);
  assert.match(
    plan.note!,
    /still short: 200 sites need about \d+ calls a month, the budget is 1000/,
  );
});
