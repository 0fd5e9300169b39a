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

Deno.test("a key's next job in the same worker counts the calls its limit learnt from headers saw", async () => {
  const { store, creds, deps } = await solarEdgeWorld();
  // SolarEdge's limit comes only from its headers (no minute budget to seed a new pacer from).
  const fetch = (() =>
    Promise.resolve(
      new Response("{}", {
        headers: { "x-ratelimit-limit-minute": "2", "x-ratelimit-remaining-minute": "1" },
      }),
    )) as typeof globalThis.fetch;
  const sleeps: number[] = [];
  let clock = WORLD_NOW.getTime();
  const http = {
    ...deps.http,
    fetch,
    now: () => clock,
    sleep: (ms: number) => (sleeps.push(ms), (clock += ms), Promise.resolve()),
  };
  const open = () =>
    openCredential(deps.adapter, creds[0], {
      baseUrl: deps.baseUrl,
      keyring: deps.keyring,
      logger: deps.logger,
      store,
      now: () => WORLD_NOW,
      countCall: () => {},
      http,
    });
  const call = { method: "GET", url: `${deps.baseUrl}/sites`, label: "sites" } as const;
  const first = await open();
  await first.http(call);
  await first.http(call);
  assert.deepEqual(sleeps, []);
  // The next job opens the credential again: its first call waits out the window.
  const next = await open();
  await next.http(call);
  assert.deepEqual(sleeps, [61_000]);
});

Deno.test("a worker new to a key counts what other workers spent of its header-learnt limit", async () => {
  const { store, creds, deps } = await solarEdgeWorld();
  const fetch = (() =>
    Promise.resolve(
      new Response("{}", {
        headers: { "x-ratelimit-limit-minute": "2", "x-ratelimit-remaining-minute": "1" },
      }),
    )) as typeof globalThis.fetch;
  const spent = (n: number) => {
    const real = Date.now();
    store.budgets.set(`solaredge:key:good|minute|${windowEnd("minute", real)}`, n);
  };
  const run = async () => {
    const sleeps: number[] = [];
    let clock = WORLD_NOW.getTime();
    const ctx = await openCredential(deps.adapter, creds[0], {
      baseUrl: deps.baseUrl,
      keyring: deps.keyring,
      logger: deps.logger,
      store: { ...store },
      now: () => WORLD_NOW,
      countCall: () => {},
      http: {
        ...deps.http,
        fetch,
        now: () => clock,
        sleep: (ms: number) => (sleeps.push(ms), (clock += ms), Promise.resolve()),
      },
    });
    const call = { method: "GET", url: `${deps.baseUrl}/sites`, label: "sites" } as const;
    await ctx.http(call);
    const second = await ctx.http(call).then(() => "sent", (e: Error) => e.message);
    return { sleeps, second };
  };
  spent(0);
  assert.deepEqual(await run(), { sleeps: [], second: "sent" });
  // Two calls of another worker this minute: once the first answer names the limit of 2, the
  // pacer holds the second call back for them (and the shared budget, spent, then defers it).
  spent(2);
  const { sleeps, second } = await run();
  assert.equal(sleeps.length, 1);
  assert.ok(sleeps[0] > 0);
  assert.match(second, /call budget is spent/);
});
