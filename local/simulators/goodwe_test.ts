import assert from "node:assert/strict";
import { serveGoodWeSimulator } from "./goodwe.ts";
import { semsPlusPassword } from "./goodwe_login.ts";
import { demoAccount } from "./goodwe_main.ts";
import {
  AMSTERDAM,
  DENVER,
  LEGACY_LOGIN,
  LIST,
  listQuery,
  OWNER,
  SEMS_PLUS_LOGIN,
  setupSim,
} from "./goodwe_testing.ts";

Deno.test("GoodWe sim SEMS+ login answers 00000, the session data and the regional api", async () => {
  const { post, call } = setupSim();
  const res = await post(SEMS_PLUS_LOGIN, {
    account: OWNER.account,
    pwd: semsPlusPassword(OWNER.password),
    agreement: 1,
    isChinese: false,
    isLocal: false,
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.code, "00000");
  assert.equal(body.api, "http://sim.test/eu/api/");
  assert.deepEqual(Object.keys(body.data).sort(), [
    "client",
    "language",
    "timestamp",
    "token",
    "uid",
    "version",
  ]);
  assert.equal(body.data.timestamp, Date.parse("2026-10-25T11:03:00Z"));
  const list = await call({ token: JSON.stringify(body.data), api: body.api }, LIST, listQuery(1));
  assert.equal(list.code, 0);
  assert.deepEqual(list.data.list.map((p: { powerstation_id: string }) => p.powerstation_id), [
    AMSTERDAM.id,
    DENVER.id,
  ]);
});

Deno.test("GoodWe sim SEMS+ login without the three app fields yields a token that fails with 100001", async () => {
  const { post, call } = setupSim();
  const res = await post(SEMS_PLUS_LOGIN, {
    account: OWNER.account,
    pwd: semsPlusPassword(OWNER.password),
  });
  const body = await res.json();
  assert.equal(body.code, "00000");
  const answer = await call(
    { token: JSON.stringify(body.data), api: body.api },
    LIST,
    listQuery(1),
  );
  assert.deepEqual(answer, {
    hasError: true,
    code: 100001,
    msg: "No access, please log in.",
    data: null,
  });
});

Deno.test("GoodWe sim classic login takes the plain password and each login rejects the other's", async () => {
  const { post, call } = setupSim();
  const classic = await (await post(LEGACY_LOGIN, {
    account: OWNER.account,
    pwd: OWNER.password,
  })).json();
  assert.equal(classic.code, "0");
  assert.equal(classic.api, "http://sim.test/eu/api/");
  const list = await call(
    { token: JSON.stringify(classic.data), api: classic.api },
    LIST,
    listQuery(1),
  );
  assert.equal(list.data.record, 2);
  const wrong = { hasError: true, code: 100005, msg: "Email or password error.", data: null };
  const plainOnSemsPlus = await post(SEMS_PLUS_LOGIN, {
    account: OWNER.account,
    pwd: OWNER.password,
    agreement: 1,
    isChinese: false,
    isLocal: false,
  });
  assert.equal(plainOnSemsPlus.status, 200);
  assert.deepEqual(await plainOnSemsPlus.json(), wrong);
  const hashedOnClassic = await post(LEGACY_LOGIN, {
    account: OWNER.account,
    pwd: semsPlusPassword(OWNER.password),
  });
  assert.deepEqual(await hashedOnClassic.json(), wrong);
  assert.deepEqual(
    await (await post(LEGACY_LOGIN, { account: "nobody@x.y", pwd: "p" })).json(),
    wrong,
  );
});

Deno.test("GoodWe sim answers 100004 in the SEMS+ shape for a bad body or an affected account", async () => {
  const { sim, post } = setupSim();
  const missing = await (await post(SEMS_PLUS_LOGIN, { account: OWNER.account })).json();
  assert.equal(missing.code, "100004");
  assert.equal(missing.description, "parameter error.");
  assert.match(missing.traceId, /^[0-9a-f]{32}$/);
  sim.addAccount({ ...OWNER, account: "stuck@example.com", semsPlusLogin: "parameter-error" });
  const stuck = await (await post(SEMS_PLUS_LOGIN, {
    account: "stuck@example.com",
    pwd: semsPlusPassword(OWNER.password),
    agreement: 1,
    isChinese: false,
    isLocal: false,
  })).json();
  assert.equal(stuck.code, "100004");
  const classic = await (await post(LEGACY_LOGIN, {
    account: "stuck@example.com",
    pwd: OWNER.password,
  })).json();
  assert.equal(classic.code, "0");
});

Deno.test("GoodWe sim serves each session only on its own region's API", async () => {
  const { sim, post, login } = setupSim();
  sim.addAccount({ ...OWNER, account: "us@example.com", region: "us" });
  const session = await login("us@example.com");
  assert.equal(session.api, "http://sim.test/us/api/");
  const at = async (prefix: string, token: string | undefined) => {
    const headers: Record<string, string> = token === undefined ? {} : { token };
    return (await (await post(`${prefix}${LIST}`, listQuery(1), headers)).json()).code;
  };
  assert.equal(await at("/us/api/", session.token), 0);
  assert.equal(await at("/eu/api/", session.token), 100001);
  assert.equal(await at("/us/api/", undefined), 100001);
  assert.equal(await at("/us/api/", "not json"), 100001);
  const forged = { ...JSON.parse(session.token), uid: "someone-else" };
  assert.equal(await at("/us/api/", JSON.stringify(forged)), 100001);
});

Deno.test("GoodWe sim expires sessions after their lifetime and on expireSessions", async () => {
  const { sim, login, call, advance } = setupSim();
  sim.setSessionLifetime(60);
  const first = await login();
  advance(59_000);
  assert.equal((await call(first, LIST, listQuery(1))).code, 0);
  advance(1_000);
  const expired = await call(first, LIST, listQuery(1));
  assert.deepEqual([expired.code, expired.msg], [
    100002,
    "The authorization has expired, please log in again.",
  ]);
  const second = await login();
  const third = await login();
  assert.equal((await call(second, LIST, listQuery(1))).code, 0);
  assert.equal(sim.expireSessions(OWNER.account), 2);
  assert.equal((await call(third, LIST, listQuery(1))).code, 100002);
  assert.equal(sim.expireSessions("nobody@example.com"), 0);
  assert.throws(() => sim.setSessionLifetime(0), /positive integer/);
});

Deno.test("GoodWe sim limits each account per minute with GY0429 in an HTTP 200 body", async () => {
  const { sim, post, login, call, advance } = setupSim();
  sim.addAccount({ ...OWNER, account: "busy@example.com", perMinuteLimit: 3 });
  const session = await login("busy@example.com");
  assert.equal((await call(session, LIST, listQuery(1))).code, 0);
  assert.equal((await call(session, LIST, listQuery(1))).code, 0);
  const limited = await post(new URL(session.api).pathname + LIST, listQuery(1), {
    token: session.token,
  });
  assert.equal(limited.status, 200);
  assert.deepEqual(await limited.json(), {
    hasError: true,
    code: "GY0429",
    msg: "Too many requests",
    data: null,
  });
  // Another account has its own budget.
  assert.equal((await call(await login(), LIST, listQuery(1))).code, 0);
  advance(60_000);
  assert.equal((await call(session, LIST, listQuery(1))).code, 0);
  assert.equal(sim.requests("busy@example.com").count, 5);
});

Deno.test("GoodWe sim takes the default per-minute limit from its options", async () => {
  const { login, call } = setupSim({ perMinuteLimit: 2 });
  const session = await login();
  assert.equal((await call(session, LIST, listQuery(1))).code, 0);
  assert.equal((await call(session, LIST, listQuery(1))).code, "GY0429");
});

Deno.test("GoodWe sim logs requests per account with a login counter and API bodies only", async () => {
  const { sim, login, call } = setupSim();
  const session = await login();
  await call(session, LIST, listQuery(2, 5));
  const log = sim.requests(OWNER.account);
  assert.equal(log.count, 2);
  assert.equal(log.logins, 1);
  assert.deepEqual(log.paths, [SEMS_PLUS_LOGIN, `/eu/api/${LIST}`]);
  assert.deepEqual(log.bodies, [listQuery(2, 5)]);
  assert.ok(!JSON.stringify(log).includes(semsPlusPassword(OWNER.password)));
  sim.resetRequests();
  assert.deepEqual(sim.requests(OWNER.account), { count: 0, logins: 0, paths: [], bodies: [] });
});

Deno.test("GoodWe sim answers unknown paths 404 and other methods 405", async () => {
  const { sim, post, login } = setupSim();
  assert.equal((await post("/api/v2/PowerStation/Nothing")).status, 404);
  const session = await login();
  const unknown = await post("/eu/api/v2/PowerStation/Nothing", {}, { token: session.token });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  const get = await sim.handler(new Request(`http://sim.test${SEMS_PLUS_LOGIN}`));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
});

Deno.test("GoodWe sim accepts the demo account and rejects invalid accounts by name", () => {
  const { sim } = setupSim();
  sim.addAccount(demoAccount);
  const bad = (patch: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => sim.addAccount({ ...OWNER, ...patch } as never), message);
  bad({ password: "" }, /password must be a non-empty string/);
  bad({ dateFormat: "MMM d" }, /dateFormat must be one of/);
  bad({ region: "hk" }, /region must be one of eu, us, au/);
  bad({ plants: [{ ...AMSTERDAM, id: "12" }] }, /plant id must be a UUID/);
  bad({ plants: [AMSTERDAM, AMSTERDAM] }, /appears twice/);
  bad({ plants: [{ ...AMSTERDAM, timeZone: "Mars/Base" }] }, /unknown zone/);
  bad({ plants: [{ ...AMSTERDAM, capacityKw: 0 }] }, /positive capacityKw/);
  bad({ semsPlusLogin: "maybe" }, /semsPlusLogin/);
});

Deno.test("serveGoodWeSimulator answers its own origin as the api and serves it over HTTP", async () => {
  const { server, sim } = serveGoodWeSimulator({
    port: 0,
    now: () => new Date("2026-06-21T10:00:00Z"),
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const added = await fetch(`${base}/_sim/accounts`, {
      method: "POST",
      body: JSON.stringify(OWNER),
    });
    assert.equal(added.status, 201);
    await added.body?.cancel();
    const login = await (await fetch(`${base}${LEGACY_LOGIN}`, {
      method: "POST",
      body: JSON.stringify({ account: OWNER.account, pwd: OWNER.password }),
    })).json();
    assert.equal(login.api, `${base}/eu/api/`);
    const list = await (await fetch(`${login.api}${LIST}`, {
      method: "POST",
      headers: { token: JSON.stringify(login.data) },
      body: JSON.stringify(listQuery(1)),
    })).json();
    assert.equal(list.data.record, 2);
    assert.equal(sim.requests(OWNER.account).logins, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("GoodWe sim takes any plant id only from an account marked hostilePlantIds", () => {
  const { sim } = setupSim();
  const hostile = { ...OWNER, plants: [{ ...AMSTERDAM, id: "../a/b" }] };
  assert.throws(() => sim.addAccount(hostile as never), /plant id must be a UUID/);
  sim.addAccount({ ...hostile, hostilePlantIds: true } as never);
  assert.throws(
    () => sim.addAccount({ ...hostile, hostilePlantIds: true, plants: [{ ...AMSTERDAM, id: "" }] }),
    /plant id must be a non-empty text/,
  );
});
