import assert from "node:assert/strict";
import { serveEnphaseSimulator } from "./enphase.ts";
import {
  ALBANY,
  APP,
  assertApiError,
  NEIGHBOUR,
  OTHER_APP,
  OWNER,
  setupSim as setup,
  SYDNEY,
} from "./enphase_testing.ts";

Deno.test("Enphase sim needs a known key and a valid bearer token on every API call", async () => {
  const { connect, call, api } = setup();
  const held = await connect();
  const bearer = { authorization: `Bearer ${held.access_token}` };
  await assertApiError(await call("GET", "/api/v4/systems", bearer), 401, "User is not authorized");
  await assertApiError(
    await call("GET", "/api/v4/systems?key=unknown", bearer),
    401,
    "User is not authorized",
  );
  await assertApiError(await api("/api/v4/systems", "not-a-token"), 401, "User is not authorized");
  await assertApiError(
    await call("GET", `/api/v4/systems?key=${APP.apiKey}`),
    401,
    "User is not authorized",
  );
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
});

Deno.test("Enphase sim answers API Key -Client mismatch when key and token are different apps", async () => {
  const { connect, api } = setup();
  const held = await connect(APP);
  const body = await assertApiError(
    await api("/api/v4/systems", held.access_token, OTHER_APP.apiKey),
    401,
    "API Key -Client mismatch",
  );
  assert.deepEqual(body, {
    message: "Not Authorized",
    details: "API Key -Client mismatch",
    code: 401,
  });
});

Deno.test("Enphase sim lists the token owner's systems in the published shape", async () => {
  const { connect, api } = setup();
  const held = await connect();
  const body = await (await api("/api/v4/systems?size=1", held.access_token)).json();
  assert.deepEqual(body, {
    total: 2,
    current_page: 1,
    size: 1,
    count: 1,
    items: "systems",
    systems: [{
      system_id: ALBANY.systemId,
      name: "Albany",
      public_name: "Residential System",
      timezone: "America/New_York",
      address: { city: "New York", state: "", country: "", postal_code: "" },
      connection_type: "ethernet",
      energy_lifetime: -1,
      energy_today: -1,
      system_size: -1,
      status: "normal",
      last_report_at: Date.parse("2026-06-15T12:00:00Z") / 1000,
      last_energy_at: Date.parse("2026-06-15T12:00:00Z") / 1000,
      operational_at: 1657080000,
      attachment_type: null,
      interconnect_date: null,
    }],
  });
  const neighbour = await connect(APP, NEIGHBOUR.email);
  const theirs = await (await api("/api/v4/systems", neighbour.access_token)).json();
  assert.deepEqual(theirs.systems.map((s: { system_id: number }) => s.system_id), [9001]);
});

Deno.test("Enphase sim pages systems 10 by default, at most 100, sorted by id", async () => {
  const { sim, connect, api } = setup();
  const systems = Array.from({ length: 130 }, (_, i) => ({
    systemId: 50_000 - i,
    name: `S${i}`,
    timeZone: "Europe/Berlin",
    peakPowerKw: 5,
  }));
  sim.addUser({ email: "fleet@example.com", password: "p", systems });
  const held = await connect(APP, "fleet@example.com");
  const page = async (query: string) => {
    const res = await api(`/api/v4/systems${query}`, held.access_token);
    assert.equal(res.status, 200);
    return await res.json();
  };
  const first = await page("");
  assert.equal(first.count, 10);
  assert.equal(first.systems[0].system_id, 49_871);
  const second = await page("?page=2&size=100");
  assert.deepEqual([second.total, second.current_page, second.count], [130, 2, 30]);
  assert.equal((await page("?sort_by=-id&size=1")).systems[0].system_id, 50_000);
  assert.deepEqual((await page("?page=9&size=100")).systems, []);
  for (const query of ["?size=101", "?size=0", "?page=0", "?page=x"]) {
    await assertApiError(await api(`/api/v4/systems${query}`, held.access_token), 422, /page|size/);
  }
  await assertApiError(
    await api("/api/v4/systems?sort_by=name", held.access_token),
    422,
    /The sorting parameter is not supported/,
  );
});

Deno.test("Enphase sim answers 404 for an unknown system and 403 for someone else's", async () => {
  const { connect, api } = setup();
  const held = await connect();
  const micro = (id: number | string) => `/api/v4/systems/${id}/telemetry/production_micro`;
  await assertApiError(
    await api(micro(123), held.access_token),
    404,
    'System not found for {:id=>"123"}',
  );
  await assertApiError(
    await api(micro(NEIGHBOUR.systems[0].systemId), held.access_token),
    403,
    "Not authorized to access this resource",
  );
  assert.equal((await api(micro(SYDNEY.systemId), held.access_token)).status, 200);
  const unsimulated = await api(`/api/v4/systems/${SYDNEY.systemId}/summary`, held.access_token);
  assert.deepEqual(await unsimulated.json(), { reason: "501", message: ["Not Implemented"] });
});

Deno.test("Enphase sim enforces the Watt plan's 10 a minute with the gateway's 429", async () => {
  const { connect, api, advance } = setup();
  const held = await connect();
  for (let i = 0; i < 10; i++) {
    const res = await api("/api/v4/systems", held.access_token);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  const limited = await api("/api/v4/systems", held.access_token);
  assert.equal(limited.headers.get("retry-after"), null);
  assert.deepEqual(await limited.json(), {
    message: "Too Many Requests",
    details: "Usage limit exceeded for plan Watt",
    code: 429,
    period: "minute",
    period_start: Date.parse("2026-06-15T12:00:00Z") / 1000,
    period_end: Date.parse("2026-06-15T12:01:00Z") / 1000,
    limit: 10,
  });
  // The other app's key has its own budget; a new calendar minute frees this one.
  const other = await connect(OTHER_APP);
  assert.equal((await api("/api/v4/systems", other.access_token, OTHER_APP.apiKey)).status, 200);
  advance(60_000);
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
});

Deno.test("Enphase sim counts a calendar month and takes overrides keeping the count", async () => {
  const { sim, connect, api, advance, setNow } = setup();
  setNow("2026-06-30T23:50:00Z");
  const held = await connect();
  sim.addApp({ ...APP, perMonth: 3 });
  for (let i = 0; i < 3; i++) {
    advance(60_000);
    assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
  }
  advance(60_000);
  const body = await assertApiError(
    await api("/api/v4/systems", held.access_token),
    429,
    "Usage limit exceeded for plan Watt",
  );
  assert.equal(body.period, "month");
  assert.equal(body.period_end, Date.parse("2026-07-01T00:00:00Z") / 1000);
  // Re-registering does not reset the count; a new month does.
  sim.addApp({ ...APP, perMonth: 3 });
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 429);
  setNow("2026-07-01T00:00:00Z");
  assert.equal((await api("/api/v4/systems", held.access_token)).status, 200);
});

Deno.test("Enphase sim counts the quota per app: two homeowners of one app share it", async () => {
  const { sim, connect, api, advance } = setup();
  const owner = await connect(APP, OWNER.email);
  const neighbour = await connect(APP, NEIGHBOUR.email);
  const systems = (held: { access_token: string }) => api("/api/v4/systems", held.access_token);
  // Five calls each fill the app's 10 a minute (Watt): the next call of either is refused.
  for (const held of [owner, neighbour]) {
    for (let i = 0; i < 5; i++) assert.equal((await systems(held)).status, 200);
  }
  for (const held of [owner, neighbour]) {
    const body = await assertApiError(
      await systems(held),
      429,
      "Usage limit exceeded for plan Watt",
    );
    assert.equal(body.period, "minute");
  }
  // The month is the app's too: with 10 of 11 spent, one homeowner's call leaves none for either.
  advance(60_000);
  sim.addApp({ ...APP, perMonth: 11 });
  assert.equal((await systems(owner)).status, 200);
  for (const held of [neighbour, owner]) {
    const body = await assertApiError(
      await systems(held),
      429,
      "Usage limit exceeded for plan Watt",
    );
    assert.deepEqual([body.period, body.limit], ["month", 11]);
  }
  // Another app's budget is its own.
  const other = await connect(OTHER_APP, NEIGHBOUR.email);
  assert.equal((await api("/api/v4/systems", other.access_token, OTHER_APP.apiKey)).status, 200);
});

Deno.test("Enphase sim logs API requests per key and token requests by grant", async () => {
  const { sim, connect, api } = setup();
  const held = await connect();
  await (await api("/api/v4/systems?page=2", held.access_token)).body?.cancel();
  await (await api("/api/v4/nothing", held.access_token, "stranger")).body?.cancel();
  assert.deepEqual(sim.requests(APP.apiKey), {
    count: 1,
    paths: ["/api/v4/systems"],
    urls: ["/api/v4/systems?page=2&key=key-a"],
  });
  assert.equal(sim.requests("stranger").count, 1);
  assert.deepEqual(sim.tokenRequests(), { count: 1, grants: ["authorization_code"] });
  sim.resetRequests();
  assert.equal(sim.requests(APP.apiKey).count, 0);
  assert.equal(sim.tokenRequests().count, 0);
});

Deno.test("Enphase sim rejects bad apps and users at registration", () => {
  const { sim } = setup();
  assert.throws(() => sim.addApp({ ...APP, clientId: "" }), /clientId must be a non-empty string/);
  assert.throws(
    () => sim.addApp({ ...OTHER_APP, clientId: "client-c" }),
    /apiKey belongs to another app/,
  );
  assert.throws(() => sim.addApp({ ...APP, plan: "Gigawatt" as "Watt" }), /plan must be one of/);
  assert.throws(
    () => sim.addUser({ ...OWNER, email: "x@example.com" }),
    /system 2875 belongs to another user/,
  );
  assert.throws(
    () => sim.addUser({ ...OWNER, systems: [{ ...ALBANY, timeZone: "Mars/Olympus" }] }),
    /Mars\/Olympus/,
  );
  assert.throws(() => sim.addUser({ ...OWNER, systems: [ALBANY, ALBANY] }), /appears twice/);
  // Replacing a user frees the systems they no longer have.
  sim.addUser({ ...NEIGHBOUR, systems: [] });
  sim.addUser({ email: "buyer@example.com", password: "p", systems: NEIGHBOUR.systems });
});

Deno.test("serveEnphaseSimulator serves OAuth and the API over real HTTP and shuts down", async () => {
  const { server, sim } = serveEnphaseSimulator({
    port: 0,
    now: () => new Date("2026-06-15T12:00:00Z"),
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    sim.addApp(APP);
    sim.addUser(OWNER);
    const q = new URLSearchParams({
      response_type: "code",
      client_id: APP.clientId,
      redirect_uri: "http://localhost/cb",
      approve_as: OWNER.email,
    });
    const redirect = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
    assert.equal(redirect.status, 302);
    await redirect.body?.cancel();
    const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!;
    const tokenRes = await fetch(
      `${base}/oauth/token?grant_type=authorization_code&redirect_uri=http://localhost/cb&code=${code}`,
      { method: "POST", headers: { authorization: `Basic ${btoa("client-a:secret-a")}` } },
    );
    const { access_token } = await tokenRes.json();
    const systems = await fetch(`${base}/api/v4/systems?key=key-a`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal((await systems.json()).total, 2);
  } finally {
    await server.shutdown();
  }
});
