import assert from "node:assert/strict";
import { fetchWithRetry, parseRetryAfter } from "./http.ts";
import { BadRecordError, FatalCredentialError, OutOfTimeError, RetriableError } from "./errors.ts";
import { deadlineClock } from "./testing/deadline_clock.ts";
import { MinutePacer } from "./pacer.ts";

function scripted(responses: Array<Response | Error>) {
  const calls: string[] = [];
  const fetchFn = ((url: string) => {
    calls.push(url);
    const next = responses.shift();
    if (!next) throw new Error("no more responses");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

const req = { url: "https://vendor.test/sites?api_key=SECRET123", label: "Vendor /sites" };

Deno.test("fetchWithRetry retries 5xx with exponential backoff and full jitter", async () => {
  const { fetchFn, calls } = scripted([
    new Response("down", { status: 503 }),
    new Response("down", { status: 502 }),
    new Response("{}", { status: 200 }),
  ]);
  const c = fakeClock();
  const result = await fetchWithRetry(req, {
    fetch: fetchFn,
    sleep: c.sleep,
    now: c.now,
    random: () => 0.5,
    baseDelayMs: 1000,
  });
  assert.equal(result.status, 200);
  assert.equal(calls.length, 3);
  assert.deepEqual(c.sleeps, [500, 1000]);
});

Deno.test("fetchWithRetry waits exactly Retry-After on a 429", async () => {
  const { fetchFn } = scripted([
    new Response("", { status: 429, headers: { "retry-after": "7" } }),
    new Response("ok", { status: 200 }),
  ]);
  const c = fakeClock();
  const pacer = new MinutePacer({ now: c.now, sleep: c.sleep });
  await fetchWithRetry(req, { fetch: fetchFn, sleep: c.sleep, now: c.now, pacer });
  assert.equal(c.sleeps.reduce((a, b) => a + b, 0) >= 7000, true);
  assert.equal(c.sleeps[0], 7000);
});

Deno.test("fetchWithRetry gives up after the retry budget with a retriable error", async () => {
  const { fetchFn, calls } = scripted(
    Array.from({ length: 3 }, () => new Response("", { status: 500 })),
  );
  const c = fakeClock();
  await assert.rejects(
    fetchWithRetry(req, { fetch: fetchFn, sleep: c.sleep, now: c.now, retries: 2 }),
    (e: unknown) =>
      e instanceof RetriableError && /Vendor \/sites: received HTTP 500/.test(e.message),
  );
  assert.equal(calls.length, 3);
});

Deno.test("fetchWithRetry does not wait out a Retry-After longer than the cap", async () => {
  const { fetchFn, calls } = scripted([
    new Response("", { status: 429, headers: { "retry-after": "3600" } }),
  ]);
  const c = fakeClock();
  await assert.rejects(
    fetchWithRetry(req, { fetch: fetchFn, sleep: c.sleep, now: c.now }),
    RetriableError,
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(c.sleeps, []);
});

Deno.test("fetchWithRetry lets the vendor's body tell a spent month from a busy minute", async () => {
  const month = () => new Response(JSON.stringify({ period: "month" }), { status: 429 });
  const minute = () => new Response(JSON.stringify({ period: "minute" }), { status: 429 });
  const readRefusal = (r: { status: number; text: string }) =>
    JSON.parse(r.text).period === "month"
      ? new RetriableError("Month spent", { status: 429, retryAfterMs: 86_400_000 })
      : undefined;
  const spent = scripted([month(), new Response("{}", { status: 200 })]);
  const c = fakeClock();
  await assert.rejects(
    fetchWithRetry({ ...req, readRefusal }, { fetch: spent.fetchFn, sleep: c.sleep, now: c.now }),
    (e: unknown) => e instanceof RetriableError && e.message === "Month spent",
  );
  assert.equal(spent.calls.length, 1);
  assert.deepEqual(c.sleeps, []);
  // A refusal the reader leaves alone gets the status rules: backoff, then success.
  const busy = scripted([minute(), new Response("{}", { status: 200 })]);
  const result = await fetchWithRetry({ ...req, readRefusal }, {
    fetch: busy.fetchFn,
    sleep: c.sleep,
    now: c.now,
    random: () => 1,
  });
  assert.equal(result.status, 200);
  assert.deepEqual(c.sleeps, [1000]);
  // Another kind of error ends the call at once.
  const odd = scripted([minute()]);
  await assert.rejects(
    fetchWithRetry({ ...req, readRefusal: () => new BadRecordError("Odd") }, {
      fetch: odd.fetchFn,
    }),
    (e: unknown) => e instanceof BadRecordError && e.message === "Odd",
  );
});

Deno.test("fetchWithRetry classifies 401 as fatal for the credential without retrying", async () => {
  const { fetchFn, calls } = scripted([new Response("{}", { status: 401 })]);
  await assert.rejects(
    fetchWithRetry(req, {
      fetch: fetchFn,
      fatalMessage: (s) => (s === 401 ? "Key rejected: use a V2 key" : undefined),
    }),
    (e: unknown) => e instanceof FatalCredentialError && e.message === "Key rejected: use a V2 key",
  );
  assert.equal(calls.length, 1);
});

Deno.test("fetchWithRetry treats other 4xx as a bad record", async () => {
  const { fetchFn } = scripted([new Response("bad", { status: 400 })]);
  await assert.rejects(fetchWithRetry(req, { fetch: fetchFn }), BadRecordError);
});

Deno.test("fetchWithRetry retries network errors and never quotes the URL", async () => {
  const { fetchFn } = scripted([
    new TypeError("connect failed https://vendor.test/sites?api_key=SECRET123"),
    new TypeError("connect failed https://vendor.test/sites?api_key=SECRET123"),
  ]);
  const c = fakeClock();
  await assert.rejects(
    fetchWithRetry(req, { fetch: fetchFn, sleep: c.sleep, now: c.now, retries: 1 }),
    (e: unknown) =>
      e instanceof RetriableError && !JSON.stringify([e.message, e.cause]).includes("SECRET123"),
  );
});

Deno.test("fetchWithRetry times out a hanging vendor", async () => {
  const hanging =
    ((_u: string, init: RequestInit) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      )) as unknown as typeof fetch;
  await assert.rejects(
    fetchWithRetry(req, { fetch: hanging, timeoutMs: 20, retries: 0 }),
    /timed out after 20 ms/,
  );
});

Deno.test("parseRetryAfter reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("12", 0), 12_000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:30 GMT", 10_000), 20_000);
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.equal(parseRetryAfter("soon", 0), undefined);
});

Deno.test("a pause longer than any wait closes the pacer: the credential's next calls fail at once", async () => {
  const { fetchFn, calls } = scripted([
    new Response("", { status: 429, headers: { "retry-after": "3600" } }),
  ]);
  const c = fakeClock();
  const pacer = new MinutePacer({ now: c.now, sleep: c.sleep });
  const o = { fetch: fetchFn, sleep: c.sleep, now: c.now, pacer };
  await assert.rejects(fetchWithRetry(req, o), RetriableError);
  // A concurrent site of the same credential neither calls the vendor nor sleeps for an hour.
  await assert.rejects(
    fetchWithRetry(req, o),
    (e: unknown) => e instanceof RetriableError && (e.retryAfterMs ?? 0) > 3_000_000,
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(c.sleeps, []);
});

Deno.test("a hanging vendor with the run's deadline 5 s away ends at the deadline, not 2.5 min later", async () => {
  const clock = deadlineClock(0);
  const error = await fetchWithRetry(req, {
    fetch: clock.hanging,
    now: clock.now,
    sleep: clock.sleep,
    timeout: clock.timeout,
    random: () => 1,
    deadline: 5_000,
  }).catch((e) => e);
  assert.ok(error instanceof OutOfTimeError, String(error));
  assert.equal(
    error.message,
    "Cannot call Vendor /sites: the run's time ran out; the next run continues here",
  );
  // Without the deadline: five attempts of 30 s and backoff sleeps between them.
  assert.deepEqual(clock.timeouts, [5_000]);
  assert.equal(clock.now(), 5_000);
});

Deno.test("no backoff sleep or Retry-After wait is started that would end after the deadline", async () => {
  const busy = () => new Response("down", { status: 503 });
  const c = fakeClock();
  const { fetchFn, calls } = scripted([busy(), busy(), busy(), busy()]);
  const backoff = await fetchWithRetry(req, {
    fetch: fetchFn,
    now: c.now,
    sleep: c.sleep,
    random: () => 1,
    baseDelayMs: 1_000,
    deadline: 5_000,
  }).catch((e) => e);
  assert.ok(backoff instanceof OutOfTimeError);
  // Sleeps of 1 s and 2 s fit; the next one (4 s) would end at 7 s.
  assert.deepEqual(c.sleeps, [1_000, 2_000]);
  assert.equal(calls.length, 3);

  const later = fakeClock();
  const pacer = new MinutePacer({ now: later.now, sleep: later.sleep });
  const limited = scripted([new Response("", { status: 429, headers: { "retry-after": "10" } })]);
  const retryAfter = await fetchWithRetry(req, {
    fetch: limited.fetchFn,
    now: later.now,
    sleep: later.sleep,
    pacer,
    deadline: 5_000,
  }).catch((e) => e);
  assert.ok(retryAfter instanceof OutOfTimeError);
  assert.deepEqual(later.sleeps, []);
  assert.equal(limited.calls.length, 1);
});
