import assert from "node:assert/strict";
import { OutOfTimeError, RetriableError } from "./errors.ts";
import { QuotaGate, windowEnd } from "./quota_gate.ts";
import type { QuotaBudget } from "./quota_plan.ts";
import { memoryStore } from "./testing/memory_store.ts";

function world(start: string) {
  let now = Date.parse(start);
  const store = memoryStore([], { now: () => new Date(now) });
  const reserved: number[] = [];
  const reserve = store.reserveQuotas.bind(store);
  store.reserveQuotas = (budgets, n) => {
    reserved.push(n);
    return reserve(budgets, n);
  };
  const observed: number[] = [];
  store.observeQuota = (_b, remaining) => {
    observed.push(remaining);
    return Promise.resolve();
  };
  const slept: number[] = [];
  const options = (deadline?: number) => ({
    now: () => now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => 0,
    deadline,
    label: "test",
  });
  return { store, reserved, observed, slept, options, now: () => now };
}

Deno.test("a big budget is reserved a few calls at a time and never beyond its limit", async () => {
  const w = world("2026-06-15T14:07:00Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget[] = [{ scope: "a", period: "minute", limit: 300 }];
  for (let i = 0; i < 20; i++) await gate.take(budget, w.options());
  // 300 / 40 → chunks of 7: three round trips for 20 calls.
  assert.deepEqual(w.reserved, [7, 7, 7]);
  const spent = [...w.store.budgets.values()].reduce((a, b) => a + b, 0);
  assert.ok(spent >= 20 && spent <= 21);
});

Deno.test("concurrent calls share one reservation instead of each reserving a chunk", async () => {
  const w = world("2026-06-15T14:07:00Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget[] = [{ scope: "a", period: "minute", limit: 300 }];
  await Promise.all(Array.from({ length: 20 }, () => gate.take(budget, w.options())));
  assert.deepEqual(w.reserved, [7, 7, 7]);
  const spent = [...w.store.budgets.values()].reduce((a, b) => a + b, 0);
  assert.equal(spent, 21);
});

Deno.test("no call starts in a window's last second: it waits for the next window", async () => {
  const w = world("2026-06-15T14:07:59.400Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget[] = [{ scope: "a", period: "minute", limit: 300 }];
  await gate.take(budget, w.options());
  assert.deepEqual(w.slept, [600]);
  assert.equal(w.now(), Date.parse("2026-06-15T14:08:00Z"));
  const first = windowEnd("minute", Date.parse("2026-06-15T14:07:59Z"));
  assert.equal(w.store.budgets.get(`a|minute|${first}`), undefined);
  assert.equal(w.store.budgets.get(`a|minute|${windowEnd("minute", w.now())}`), 7);
  // Past the deadline the call is left to the next run (the site skipped, not failed).
  const late = world("2026-06-15T14:07:59.400Z");
  await assert.rejects(
    new QuotaGate(late.store).take(budget, late.options(Date.parse("2026-06-15T14:07:59.800Z"))),
    (e: unknown) => e instanceof OutOfTimeError,
  );
  assert.deepEqual(late.reserved, []);
});

Deno.test("a full minute waits for the next one when that fits the deadline", async () => {
  const w = world("2026-06-15T14:07:30Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget[] = [{ scope: "b", period: "minute", limit: 2 }];
  await gate.take(budget, w.options());
  await gate.take(budget, w.options());
  await gate.take(budget, w.options(Date.parse("2026-06-15T14:10:00Z")));
  assert.deepEqual(w.slept, [30_000]);
  assert.equal(w.now(), windowEnd("minute", Date.parse("2026-06-15T14:07:30Z")));
});

Deno.test("a refusal past the deadline defers the call to the reopening, naming the month", async () => {
  const w = world("2026-06-15T14:07:00Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget[] = [
    { scope: "enphase:app:x", period: "minute", limit: 10 },
    { scope: "enphase:credential:c", period: "month", limit: 1 },
  ];
  await gate.take(budget, w.options());
  await assert.rejects(
    gate.take(budget, w.options(Date.parse("2026-06-15T14:09:00Z"))),
    (e: unknown) =>
      e instanceof RetriableError &&
      e.retryAfterMs === Date.parse("2026-07-01T00:00:00Z") - w.now() &&
      /the credential's 1 calls for 2026-06 are spent; calls resume on 2026-07-01/.test(e.message),
  );
  assert.deepEqual(w.slept, []);
  // The refused call spent nothing, not even from the minute that still had room.
  assert.equal(w.store.budgets.get(`enphase:app:x|minute|${windowEnd("minute", w.now())}`), 1);
});

Deno.test("a vendor's low remainder reaches the store once per window", async () => {
  const w = world("2026-06-15T14:07:00Z");
  const gate = new QuotaGate(w.store);
  const budget: QuotaBudget = { scope: "s", period: "minute", limit: 100 };
  await gate.observe(budget, 80, w.now());
  await gate.observe(budget, 20, w.now());
  await gate.observe(budget, 20, w.now());
  await gate.observe(budget, 20, w.now() + 60_000);
  assert.deepEqual(w.observed, [20, 20]);
});

Deno.test("a learnt limit of a budget the plan also sets spends its row once, at the tighter limit", async () => {
  const w = world("2026-06-15T14:07:00Z");
  const gate = new QuotaGate(w.store);
  const budgets: QuotaBudget[] = [
    { scope: "solaredge:key:k", period: "minute", limit: 5 },
    { scope: "solaredge:key:k", period: "minute", limit: 3 },
  ];
  for (let i = 0; i < 3; i++) await gate.take(budgets, w.options());
  const key = `solaredge:key:k|minute|${windowEnd("minute", w.now())}`;
  assert.equal(w.store.budgets.get(key), 3);
  await assert.rejects(gate.take(budgets, w.options(w.now() + 1_000)), RetriableError);
});
