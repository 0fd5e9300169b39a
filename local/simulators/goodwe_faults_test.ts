import assert from "node:assert/strict";
import { LIST, listQuery, OWNER, setupSim } from "./goodwe_testing.ts";
import { within } from "./sim_testing.ts";

async function setup() {
  const s = setupSim();
  s.sim.addAccount({ ...OWNER, account: "other@example.com" });
  const session = await s.login();
  const list = (signal?: AbortSignal, token = session.token) =>
    s.sim.handler(
      new Request(`http://sim.test/eu/api/${LIST}`, {
        method: "POST",
        headers: { token },
        body: JSON.stringify(listQuery(1)),
        signal,
      }),
    );
  return { ...s, session, list };
}

Deno.test("GoodWe sim 5xx and 429 faults answer the proxy's pages, then recover", async () => {
  const { sim, list } = await setup();
  sim.addFault({ kind: "5xx", count: 1 });
  sim.addFault({ kind: "429", count: 1 });
  const failed = await list();
  assert.equal(failed.status, 502);
  assert.match(failed.headers.get("content-type")!, /^text\/html/);
  assert.match(await failed.text(), /502 Bad Gateway/);
  const limited = await list();
  assert.equal(limited.status, 429);
  assert.match(await limited.text(), /429 Too Many Requests/);
  assert.equal((await (await list()).json()).code, 0);
});

Deno.test("GoodWe sim GY0429 and expire faults answer the vendor's codes with HTTP 200", async () => {
  const { sim, list } = await setup();
  sim.addFault({ kind: "GY0429", count: 1 });
  sim.addFault({ kind: "expire", count: 1 });
  const limited = await list();
  assert.equal(limited.status, 200);
  assert.deepEqual(await limited.json(), {
    hasError: true,
    code: "GY0429",
    msg: "Too many requests",
    data: null,
  });
  const expired = await list();
  assert.equal(expired.status, 200);
  assert.equal((await expired.json()).code, 100002);
  // The expire fault is one answer, not a real expiry: the session still works afterwards.
  assert.equal((await (await list()).json()).code, 0);
});

Deno.test("GoodWe sim malformed fault cuts the real body; html fault is a 200 HTML page", async () => {
  const { sim, list } = await setup();
  sim.addFault({ kind: "malformed", count: 1 });
  sim.addFault({ kind: "html", count: 1 });
  const cut = await list();
  assert.equal(cut.status, 200);
  const text = await cut.text();
  assert.ok(text.startsWith('{"hasError":false'), text);
  assert.throws(() => JSON.parse(text), SyntaxError);
  const html = await list();
  assert.equal(html.status, 200);
  assert.match(html.headers.get("content-type")!, /^text\/html/);
  assert.match(await html.text(), /^<html>/);
});

Deno.test("GoodWe sim hang fault holds the request until the client gives up", async () => {
  const { sim, list } = await setup();
  sim.addFault({ kind: "hang", count: 1 });
  const controller = new AbortController();
  const pending = list(controller.signal);
  let settled = false;
  pending.then(() => settled = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(settled, false);
  controller.abort();
  const res = await within(pending, "the hang ending on abort");
  assert.equal(res.status, 504);
  await res.body?.cancel();
});

Deno.test("GoodWe sim faults match by account and path, and fire on logins too", async () => {
  const { sim, login, post, list } = await setup();
  sim.addFault({ kind: "GY0429", count: 1, account: "other@example.com" });
  sim.addFault({ kind: "5xx", count: 1, path: "CrossLogin" });
  assert.equal((await (await list()).json()).code, 0);
  const classic = await post("/api/v2/Common/CrossLogin", {
    account: OWNER.account,
    pwd: OWNER.password,
  });
  assert.equal(classic.status, 502);
  await classic.body?.cancel();
  const other = await post("/web/sems/sems-user/api/v1/auth/cross-login", {
    account: "other@example.com",
    pwd: "x",
  });
  assert.equal((await other.json()).code, "GY0429");
  assert.ok((await login()).token);
  sim.addFault({ kind: "html", count: 5 });
  sim.clearFaults();
  assert.equal((await (await list()).json()).code, 0);
});

Deno.test("GoodWe sim rejects invalid faults naming the field", () => {
  const { sim } = setupSim();
  const bad = (fault: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => sim.addFault(fault as never), message);
  bad(
    { kind: "503", count: 1 },
    /kind must be one of 5xx, 429, GY0429, hang, malformed, html, expire/,
  );
  bad({ kind: "html", count: 0 }, /count must be a positive integer/);
  bad({ kind: "html", count: 1, account: 7 }, /account must be a string/);
  bad({ kind: "html", count: 1, path: 7 }, /path must be a string/);
});
