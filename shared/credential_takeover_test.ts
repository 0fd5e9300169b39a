/**
 * A credential's own minute limit across invocations: one that takes a credential over counts
 * the calls the previous holder recorded in `quota_budgets`, so any 60 s sees at most the limit.
 */
import assert from "node:assert/strict";
import { openCredential } from "./credential_context.ts";
import { windowEnd } from "./quota_gate.ts";
import { solarEdgeWorld, WORLD_NOW } from "./testing/solaredge_world.ts";

type World = Awaited<ReturnType<typeof solarEdgeWorld>>;

/** A clock the pacer's sleeps advance, with the sleeps it was asked for. */
function sleepClock() {
  const sleeps: number[] = [];
  let clock = WORLD_NOW.getTime();
  return {
    sleeps,
    now: () => clock,
    sleep: (ms: number) => (sleeps.push(ms), (clock += ms), Promise.resolve()),
  };
}

/** Opens the world's credential as a job does, on `store` and the given http options. */
function open(w: World, row: World["creds"][number], o: {
  store?: World["store"];
  http: Partial<World["deps"]["http"]>;
}) {
  return openCredential(w.deps.adapter, row, {
    baseUrl: w.deps.baseUrl,
    keyring: w.deps.keyring,
    logger: w.deps.logger,
    store: o.store ?? w.store,
    now: () => WORLD_NOW,
    countCall: () => {},
    http: { ...w.deps.http, ...o.http },
  });
}

/** SolarEdge's answers naming a minute limit of 2 (its only source: no configured budget). */
const headerFetch = (() =>
  Promise.resolve(
    new Response("{}", {
      headers: { "x-ratelimit-limit-minute": "2", "x-ratelimit-remaining-minute": "1" },
    }),
  )) as typeof globalThis.fetch;

async function firstCallWait(previous: number, current: number): Promise<number> {
  const w = await solarEdgeWorld();
  const good = { ...w.creds[0], plan: { perMinute: 3 } };
  const scope = "solaredge:key:good";
  // What another invocation spent of the key's minute budget before this one took it over (the
  // world's store keeps its budgets on the real clock).
  const real = Date.now();
  w.store.budgets.set(`${scope}|minute|${windowEnd("minute", real - 60_000)}`, previous);
  w.store.budgets.set(`${scope}|minute|${windowEnd("minute", real)}`, current);
  const c = sleepClock();
  const ctx = await open(w, good, { http: { now: c.now, sleep: c.sleep } });
  await ctx.http({ method: "GET", url: `${w.deps.baseUrl}/sites`, label: "sites" });
  // A real minute that turned meanwhile moved the budgets: measure again.
  if (windowEnd("minute", Date.now()) !== windowEnd("minute", real)) {
    return await firstCallWait(previous, current);
  }
  return c.sleeps.reduce((a, b) => a + b, 0);
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
  const w = await solarEdgeWorld();
  const c = sleepClock();
  const http = { fetch: headerFetch, now: c.now, sleep: c.sleep };
  const call = { method: "GET", url: `${w.deps.baseUrl}/sites`, label: "sites" } as const;
  const first = await open(w, w.creds[0], { http });
  await first.http(call);
  await first.http(call);
  assert.deepEqual(c.sleeps, []);
  // The next job opens the credential again: its first call waits out the window.
  const next = await open(w, w.creds[0], { http });
  await next.http(call);
  assert.deepEqual(c.sleeps, [61_000]);
});

Deno.test("a worker new to a key counts what other workers spent of its header-learnt limit", async () => {
  const w = await solarEdgeWorld();
  const spent = (n: number) =>
    w.store.budgets.set(`solaredge:key:good|minute|${windowEnd("minute", Date.now())}`, n);
  const run = async () => {
    const c = sleepClock();
    // A store of its own: a worker whose pacers have not seen the key.
    const ctx = await open(w, w.creds[0], {
      store: { ...w.store },
      http: { fetch: headerFetch, now: c.now, sleep: c.sleep },
    });
    const call = { method: "GET", url: `${w.deps.baseUrl}/sites`, label: "sites" } as const;
    await ctx.http(call);
    const second = await ctx.http(call).then(() => "sent", (e: Error) => e.message);
    return { sleeps: c.sleeps, second };
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
