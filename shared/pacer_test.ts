import assert from "node:assert/strict";
import { MinutePacer } from "./pacer.ts";

function clock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => (now += ms),
    sleeps,
  };
}

Deno.test("MinutePacer lets calls through until the per-minute limit, then waits", async () => {
  const c = clock();
  const pacer = new MinutePacer({ perMinute: 3, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 3; i++) {
    await pacer.take();
    c.advance(1000);
  }
  assert.deepEqual(c.sleeps, []);
  await pacer.take();
  // A second past the window: the vendor counts each call after a latency that varies.
  assert.deepEqual(c.sleeps, [58_000]);
});

Deno.test("MinutePacer learns the limit and exhaustion from SolarEdge headers", async () => {
  const c = clock(1_000_000);
  const pacer = new MinutePacer({ now: c.now, sleep: c.sleep });
  await pacer.take();
  pacer.observe(
    new Headers({ "x-ratelimit-limit-minute": "10", "x-ratelimit-remaining-minute": "0" }),
  );
  c.advance(5000);
  await pacer.take();
  assert.deepEqual(c.sleeps, [56_000]);
});

Deno.test("MinutePacer holds every call after a 429 until Retry-After has passed", async () => {
  const c = clock();
  const pacer = new MinutePacer({ now: c.now, sleep: c.sleep });
  pacer.holdFor(7000);
  await pacer.take();
  assert.deepEqual(c.sleeps, [7000]);
});

Deno.test("MinutePacer can count over a five-minute window (SMA) and ignores minute headers", async () => {
  const c = clock();
  const pacer = new MinutePacer({
    window: { limit: 2, windowMs: 300_000 },
    now: c.now,
    sleep: c.sleep,
  });
  await pacer.take();
  c.advance(60_000);
  await pacer.take();
  pacer.observe(new Headers({ "x-ratelimit-limit-minute": "100" }));
  c.advance(60_000);
  await pacer.take();
  assert.deepEqual(c.sleeps, [181_000]);
});

Deno.test("MinutePacer.closeFor refuses calls without sleeping until the pause ends", async () => {
  const c = clock();
  const pacer = new MinutePacer({ now: c.now, sleep: c.sleep });
  pacer.closeFor(3_600_000, "Cannot call X: the month is spent");
  await assert.rejects(pacer.take(), /the month is spent/);
  assert.deepEqual(c.sleeps, []);
  c.advance(3_600_000);
  assert.equal(await pacer.take(), 0);
  // reopen() ends a pause before its time (a kept pacer's next job asks the vendor itself).
  pacer.closeFor(3_600_000, "Cannot call X: the month is spent");
  pacer.reopen();
  assert.equal(await pacer.take(), 0);
});
