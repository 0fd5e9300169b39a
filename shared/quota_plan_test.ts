import assert from "node:assert/strict";
import { BadRecordError } from "./errors.ts";
import { resolveQuotas } from "./quota_plan.ts";
import type { AdapterSpec } from "./types.ts";

const spec = (
  source: string,
  rateLimits: AdapterSpec["rateLimits"],
) => ({ source, rateLimits } as unknown as AdapterSpec);
const row = (plan?: Record<string, unknown>) => ({
  id: "11111111-1111-4111-8111-111111111111",
  label: "Acme",
  plan,
});

Deno.test("an app-scoped vendor spends the app's budgets, and a plan adds the credential's own", () => {
  const enphase = spec("enphase", { perMinute: 10, perMonth: 1000, concurrency: 1 });
  const q = resolveQuotas(enphase, row({ perMonth: 300, note: "not a limit" }), {
    ENPHASE_CLIENT_ID: "app-1",
    ENPHASE_PER_MINUTE: "300",
  });
  assert.deepEqual(q.budgets, [
    { scope: "enphase:app:app-1", period: "minute", limit: 300 },
    { scope: "enphase:app:app-1", period: "month", limit: 1000 },
    {
      scope: "enphase:credential:11111111-1111-4111-8111-111111111111",
      period: "month",
      limit: 300,
      credential_id: "11111111-1111-4111-8111-111111111111",
    },
  ]);
  assert.deepEqual(q.pacing, { perMinute: 300 });
});

Deno.test("a key-scoped vendor takes the plan over the environment over the spec", () => {
  const solaredge = spec("solaredge", { perMinute: 5, concurrency: 3 });
  const id = row().id;
  assert.deepEqual(resolveQuotas(solaredge, row(), {}).budgets, [
    { scope: `solaredge:key:${id}`, period: "minute", limit: 5, credential_id: id },
  ]);
  assert.deepEqual(
    resolveQuotas(solaredge, row(), { SOLAREDGE_PER_MINUTE: "7" }).budgets[0].limit,
    7,
  );
  const planned = resolveQuotas(solaredge, row({ perMinute: 9, perDay: 300 }), {
    SOLAREDGE_PER_MINUTE: "7",
  });
  assert.deepEqual(planned.budgets.map((b) => [b.period, b.limit]), [["minute", 9], ["day", 300]]);
  assert.equal(
    resolveQuotas(spec("goodwe", { concurrency: 1 }), row({ perDay: 50 }), {})
      .budgets[0].scope,
    `goodwe:account:${id}`,
  );
});

Deno.test("a 5-minute budget spends half per aligned window, while the pacer keeps the whole", () => {
  const sma = spec("sma", { concurrency: 1 });
  const q = resolveQuotas(sma, row({ perFiveMinutes: 5 }), { SMA_CLIENT_ID: "sma-app" });
  assert.deepEqual(q.budgets.map((b) => [b.scope.split(":")[1], b.period, b.limit]), [
    ["credential", "5 minutes", 2],
  ]);
  assert.deepEqual(q.pacing, { window: { limit: 5, windowMs: 300_000 } });
});

Deno.test("a plan limit that is not a whole number above 0 is refused, naming the field", () => {
  const solaredge = spec("solaredge", { concurrency: 3 });
  for (const bad of [0, -1, 2.5, "10", true]) {
    assert.throws(
      () => resolveQuotas(solaredge, row({ perDay: bad }), {}),
      (e: Error) =>
        e instanceof BadRecordError &&
        e.message.includes('plan of credential "Acme": perDay must be a whole number'),
    );
  }
  // Garbage in the environment is ignored rather than read as a limit of NaN.
  assert.deepEqual(resolveQuotas(solaredge, row(), { SOLAREDGE_PER_DAY: "lots" }).budgets, []);
});
