/**
 * A credential's own minute limit across invocations: one that takes a credential over counts
 * the calls the previous holder recorded in `quota_budgets`, so any 60 s sees at most the limit.
 */
import assert from "node:assert/strict";
import { openCredential } from "./credential_context.ts";
import { windowEnd } from "./quota_gate.ts";
import { solarEdgeWorld, WORLD_NOW } from "./testing/solaredge_world.ts";

async function firstCallWait(previous: number, current: number): Promise<number> {
  const { store, creds, deps } = await solarEdgeWorld();
  const good = { ...creds[0], plan: { perMinute: 3 } };
  const scope = "solaredge:key:good";
  // What another invocation spent of the key's minute budget before this one took it over (the
  // world's store keeps its budgets on the real clock).
  const real = Date.now();
  store.budgets.set(`${scope}|minute|${windowEnd("minute", real - 60_000)}`, previous);
  store.budgets.set(`${scope}|minute|${windowEnd("minute", real)}`, current);
  const sleeps: number[] = [];
  let clock = WORLD_NOW.getTime();
  const ctx = await openCredential(deps.adapter, good, {
    baseUrl: deps.baseUrl,
    keyring: deps.keyring,
    logger: deps.logger,
    store,
    now: () => WORLD_NOW,
    countCall: () => {},
    http: {
      ...deps.http,
      now: () => clock,
      sleep: (ms) => (sleeps.push(ms), (clock += ms), Promise.resolve()),
    },
  });
  await ctx.http({ method: "GET", url: `${deps.baseUrl}/sites`, label: "sites" });
  // A real minute that turned meanwhile moved the budgets: measure again.
  if (windowEnd("minute", Date.now()) !== windowEnd("minute", real)) {
    return await firstCallWait(previous, current);
  }
  return sleeps.reduce((a, b) => a + b, 0);
}

Deno.test("a takeover waits out the previous holder's calls of the last 60 s", async () => {
  // 12:07:00: three calls in the minute before count until the minute's start plus 60 s (and
  // the pacer's second of margin).
  assert.equal(await firstCallWait(3, 0), 61_000);
  // One then and two in this minute so far, as if made now: the same wait.
  assert.equal(await firstCallWait(1, 2), 61_000);
  // Two of the limit's three spent: the third call goes at once.
  assert.equal(await firstCallWait(2, 0), 0);
  // A fresh credential waits for nothing.
  assert.equal(await firstCallWait(0, 0), 0);
});
