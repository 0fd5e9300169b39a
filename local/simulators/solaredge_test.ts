import assert from "node:assert/strict";
import { createSolarEdgeSimulator, serveSolarEdgeSimulator } from "./solaredge.ts";
import { assertProblem, BERLIN, LONDON, setupSim as setup } from "./solaredge_testing.ts";

Deno.test("SolarEdge sim answers an unknown or missing X-API-Key with the vendor's 401", async () => {
  const { get } = setup();
  for (const headers of [{}, { "x-api-key": "nope" }] as Record<string, string>[]) {
    const res = await get("/v2/sites", headers);
    const body = await assertProblem(res, 401, /^Invalid API key$/);
    assert.deepEqual({ ...body, properties: {} }, {
      type: "https://se-api.stoplight.io/docs/monitoring",
      title: "Unauthorized - Authentication Failed",
      status: 401,
      detail: "Invalid API key",
      instance: null,
      properties: {},
    });
    assert.equal(res.headers.get("x-ratelimit-limit-minute"), null);
  }
});

Deno.test("SolarEdge sim requires X-Account-Key when the account is a fleet account", async () => {
  const { sim, get } = setup();
  sim.addAccount({ apiKey: "fleet", accountKey: "acct", sites: [BERLIN] });
  await assertProblem(await get("/v2/sites", { "x-api-key": "fleet" }), 401, /Invalid API key/);
  const wrong = { "x-api-key": "fleet", "x-account-key": "other" };
  await assertProblem(await get("/v2/sites", wrong), 401, /Invalid API key/);
  const right = await get("/v2/sites", { "x-api-key": "fleet", "x-account-key": "acct" });
  assert.equal(right.status, 200);
  assert.equal((await right.json()).sites.count, 1);
});

Deno.test("SolarEdge sim answers 410 Gone for every V1 request", async () => {
  const { sim, get } = setup();
  for (
    const path of [
      "/site/3066774/details?api_key=key-a",
      "/sites/list?api_key=key-a&size=100",
      "/equipment/3066774/SN1/data",
      "/v2/sites?api_key=key-a",
      "/",
    ]
  ) {
    const body = await assertProblem(await get(path), 410, /V1 was retired.*V2/);
    assert.equal(body.title, "Gone", path);
  }
  assert.equal(sim.requests("key-a").count, 5);
});

Deno.test("SolarEdge sim pages /v2/sites by page and sites-in-page and reports the total", async () => {
  const { sim, get } = setup();
  const sites = Array.from({ length: 2050 }, (_, i) => ({
    siteId: 1000 + i,
    name: `Site ${i}`,
    timeZone: "Europe/Berlin",
    peakPowerKw: 10,
  }));
  sim.addAccount({ apiKey: "big", sites });
  const page = async (query: string) => {
    const res = await get(`/v2/sites${query}`, { "x-api-key": "big" });
    assert.equal(res.status, 200);
    return (await res.json()).sites as { count: number; site: { siteId: number }[] };
  };
  const first = await page("");
  assert.equal(first.count, 2050);
  assert.deepEqual(first.site.map((s) => s.siteId), sites.slice(0, 1000).map((s) => s.siteId));
  assert.equal((await page("?page=3&sites-in-page=1000")).site.length, 50);
  const seventh = await page("?page=2&sites-in-page=7");
  assert.deepEqual(seventh.site.map((s) => s.siteId), [1007, 1008, 1009, 1010, 1011, 1012, 1013]);
  assert.deepEqual(await page("?page=4"), { count: 2050, site: [] });
  // V1's `size` is not a V2 parameter: ignored, the page keeps its default size.
  assert.equal((await page("?size=100")).site.length, 1000);
});

Deno.test("SolarEdge sim can ignore page and answer every page with the first", async () => {
  const { sim, get } = setup();
  sim.addAccount({ apiKey: "deaf", sites: [BERLIN, LONDON], ignoresPaging: true });
  for (const q of ["?page=1&sites-in-page=1", "?page=2&sites-in-page=1"]) {
    const body = await (await get(`/v2/sites${q}`, { "x-api-key": "deaf" })).json();
    assert.deepEqual(body.sites.site.map((s: { siteId: number }) => s.siteId), [3066774]);
  }
});

Deno.test("SolarEdge sim lists sites in the V2 shape, without a time zone", async () => {
  const { get } = setup();
  const body = await (await get("/v2/sites?sites-in-page=1")).json();
  assert.deepEqual(body, {
    sites: {
      count: 3,
      site: [{
        siteId: 3066774,
        name: "Berlin",
        peakPower: 5.68,
        installationDate: "2021-05-04",
        location: { country: "Germany", city: "Berlin" },
        activationStatus: "ACTIVE",
        note: "",
      }],
    },
  });
});

Deno.test("SolarEdge sim shows a site's time zone in GET /v2/sites/{id} unless it has none", async () => {
  const { sim, get } = setup();
  const one = await (await get("/v2/sites/3066774")).json();
  assert.equal(one.siteId, 3066774);
  assert.deepEqual(one.location, { country: "Germany", city: "Berlin", timeZone: "Europe/Berlin" });
  sim.addAccount({ apiKey: "quiet", sites: [{ ...LONDON, publishTimeZone: false }] });
  const quiet = await (await get("/v2/sites/42", { "x-api-key": "quiet" })).json();
  assert.equal(quiet.location.timeZone, undefined);
  await assertProblem(await get("/v2/sites/5"), 403, /Site 5/);
});

Deno.test("SolarEdge sim rejects bad paging parameters with 400 naming the parameter", async () => {
  const { get } = setup();
  for (
    const [query, name] of [
      ["sites-in-page=1001", "sites-in-page"],
      ["sites-in-page=0", "sites-in-page"],
      ["page=0", "page"],
    ]
  ) {
    await assertProblem(await get(`/v2/sites?${query}`), 400, new RegExp(`parameter ${name}`));
  }
  for (const query of ["page=abc", "page=1.5", "sites-in-page=-3", "page="]) {
    assert.equal((await get(`/v2/sites?${query}`)).status, 400, query);
  }
});

Deno.test("SolarEdge sim answers 429 without retry-after once the month's credits are spent", async () => {
  const { sim, get, setNow } = setup();
  sim.addAccount({ apiKey: "thrifty", sites: [BERLIN], monthlyCredits: 2, perMinuteLimit: 10 });
  const key = { "x-api-key": "thrifty" };
  assert.equal((await get("/v2/sites", key)).status, 200);
  assert.equal((await get("/v2/sites/3066774", key)).status, 200);
  assert.equal(sim.creditsUsed("thrifty"), 2);
  const spent = await get("/v2/sites", key);
  await assertProblem(spent, 429, /Monthly API credit quota exceeded/);
  assert.equal(spent.headers.get("retry-after"), null);
  assert.equal(spent.headers.get("x-ratelimit-remaining-minute"), "7");
  assert.equal(sim.creditsUsed("thrifty"), 2);
  // The next month (the billing cycle, modelled as the calendar month) has credits again.
  setNow("2027-01-01T00:00:00Z");
  assert.equal((await get("/v2/sites", key)).status, 200);
  // The free tier's 2,000 is the default.
  assert.equal(createSolarEdgeSimulator().creditsUsed("x"), 0);
});

Deno.test("SolarEdge sim counts requests per key per minute and answers 429 with Retry-After", async () => {
  const { sim, get, advance } = setup();
  sim.addAccount({ apiKey: "small", sites: [BERLIN], perMinuteLimit: 3 });
  const small = { "x-api-key": "small" };
  const remaining: string[] = [];
  for (const path of ["/v2/sites", "/v2/sites?size=500", "/v2/nothing-here"]) {
    const res = await get(path, small);
    assert.equal(res.headers.get("x-ratelimit-limit-minute"), "3");
    remaining.push(res.headers.get("x-ratelimit-remaining-minute")!);
  }
  assert.deepEqual(remaining, ["2", "1", "0"]);
  advance(20_000);
  const limited = await get("/v2/sites", small);
  await assertProblem(limited, 429, /at most 3 requests per minute/);
  assert.equal(limited.headers.get("retry-after"), "40");
  assert.equal(limited.headers.get("x-ratelimit-remaining-minute"), "0");
  // Another key has its own budget, the default 300.
  const other = await get("/v2/sites");
  assert.equal(other.headers.get("x-ratelimit-limit-minute"), "300");
  assert.equal(other.headers.get("x-ratelimit-remaining-minute"), "299");
  // Replacing the account keeps its counters, so a test cannot reset the limit by accident.
  sim.addAccount({ apiKey: "small", sites: [], perMinuteLimit: 3 });
  assert.equal((await get("/v2/sites", small)).status, 429);
  advance(40_000);
  const freed = await get("/v2/sites", small);
  assert.equal(freed.status, 200);
  assert.equal(freed.headers.get("x-ratelimit-remaining-minute"), "2");
});

Deno.test("SolarEdge sim takes the default per-minute limit from its options", async () => {
  const { get } = setup({ perMinuteLimit: 2 });
  assert.equal((await get("/v2/sites")).headers.get("x-ratelimit-limit-minute"), "2");
  assert.equal((await get("/v2/sites")).status, 200);
  const third = await get("/v2/sites");
  assert.equal(third.status, 429);
  assert.equal(third.headers.get("retry-after"), "60");
});

Deno.test("SolarEdge sim answers unknown V2 paths 404 and writes 405, with rate headers", async () => {
  const { sim } = setup();
  const call = (method: string, path: string) =>
    sim.handler(
      new Request(`http://sim.test${path}`, { method, headers: { "x-api-key": "key-a" } }),
    );
  const missing = await call("GET", "/v2/sites/3066774/storage");
  await assertProblem(missing, 404, /storage/);
  assert.equal(missing.headers.get("x-ratelimit-remaining-minute"), "299");
  const post = await call("POST", "/v2/sites");
  await assertProblem(post, 405, /POST/);
  assert.equal(post.headers.get("allow"), "GET");
  assert.equal(post.headers.get("x-ratelimit-remaining-minute"), "298");
});

Deno.test("serveSolarEdgeSimulator serves the API over real HTTP and shuts down", async () => {
  const { server, sim } = serveSolarEdgeSimulator({
    port: 0,
    now: () => new Date("2026-08-25T00:00:00Z"),
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const added = await fetch(`${base}/_sim/accounts`, {
      method: "POST",
      body: JSON.stringify({ apiKey: "http-key", sites: [LONDON] }),
    });
    assert.equal(added.status, 201);
    await added.body?.cancel();
    const q = new URLSearchParams({
      from: "2026-08-24T12:00:00",
      to: "2026-08-24T13:00:00",
      resolution: "QUARTER_HOUR",
    });
    const res = await fetch(`${base}/v2/sites/42/energy?${q}`, {
      headers: { "X-API-Key": "http-key" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ratelimit-remaining-minute"), "299");
    const body = await res.json();
    assert.equal(body.values.length, 4);
    assert.ok(body.values.every((v: { value: number }) => v.value > 0));
    const v1 = await fetch(`${base}/site/42/energy?api_key=http-key`);
    assert.equal(v1.status, 410);
    await v1.body?.cancel();
    assert.deepEqual(sim.requests("http-key").paths, ["/v2/sites/42/energy", "/site/42/energy"]);
  } finally {
    await server.shutdown();
  }
});
