/**
 * The simulator follows vendors.md "Corrections, December 2026": regional SEMS+ login hosts, the
 * classic login on /api/v3, the September 2026 refusals, and the odd times of real responses.
 */
import assert from "node:assert/strict";
import { semsPlusPassword } from "./goodwe_login.ts";
import {
  AMSTERDAM,
  DETAIL,
  LEGACY_LOGIN,
  LIST,
  listQuery,
  OWNER,
  PACS,
  SEMS_PLUS_LOGIN,
  setupSim,
} from "./goodwe_testing.ts";

const semsPlusBody = (account: string, isChinese = false) => ({
  account,
  pwd: semsPlusPassword(OWNER.password),
  agreement: 1,
  isChinese,
  isLocal: false,
});

Deno.test("GoodWe sim serves each account on its SEMS+ host; the CN host wants isChinese true", async () => {
  const { sim, post } = setupSim();
  sim.addAccount({ ...OWNER, account: "eu@example.com", loginHost: "eu" });
  sim.addAccount({ ...OWNER, account: "cn@example.com", loginHost: "cn" });
  const code = async (path: string, body: unknown) => (await (await post(path, body)).json()).code;
  assert.equal(await code(SEMS_PLUS_LOGIN, semsPlusBody(OWNER.account)), "00000");
  assert.equal(await code(`/eu-semsplus${SEMS_PLUS_LOGIN}`, semsPlusBody(OWNER.account)), 100005);
  assert.equal(await code(SEMS_PLUS_LOGIN, semsPlusBody("eu@example.com")), 100005);
  assert.equal(
    await code(`/eu-semsplus${SEMS_PLUS_LOGIN}`, semsPlusBody("eu@example.com")),
    "00000",
  );
  const cn = `/cn-semsplus${SEMS_PLUS_LOGIN}`;
  assert.equal(await code(cn, semsPlusBody("cn@example.com")), "100004");
  assert.equal(await code(cn, semsPlusBody("cn@example.com", true)), "00000");
  assert.equal(await code(SEMS_PLUS_LOGIN, semsPlusBody("cn@example.com", true)), 100005);
});

Deno.test("GoodWe sim takes the classic login on /api/v3 and answers v2 'ver is not fund'", async () => {
  const { post } = setupSim();
  const v3 = await (await post(LEGACY_LOGIN, { account: OWNER.account, pwd: OWNER.password }))
    .json();
  assert.equal(v3.code, "0");
  assert.equal(typeof v3.data.token, "string");
  const v2 = await (await post("/api/v2/Common/CrossLogin", {
    account: OWNER.account,
    pwd: OWNER.password,
  })).json();
  assert.deepEqual([v2.hasError, v2.code, v2.msg, v2.data], [
    true,
    "100000",
    "ver is not fund",
    null,
  ]);
});

Deno.test("GoodWe sim refusals: SEMS+ 100004 shape, token-less classic success, 100002 after login", async () => {
  const { sim, post, login, call } = setupSim();
  sim.addAccount({
    ...OWNER,
    account: "moved@example.com",
    semsPlusLogin: "parameter-error",
    legacyLogin: "no-token",
  });
  const plus = await (await post(SEMS_PLUS_LOGIN, semsPlusBody("moved@example.com"))).json();
  assert.deepEqual(Object.keys(plus).sort(), [
    "code",
    "description",
    "errorMsg",
    "traceId",
    "translationCode",
  ]);
  assert.deepEqual(
    [plus.code, plus.translationCode, plus.description, plus.errorMsg],
    ["100004", "parameter_error", "parameter error.", "parameter error."],
  );
  const classic = await (await post(LEGACY_LOGIN, {
    account: "moved@example.com",
    pwd: OWNER.password,
  })).json();
  assert.equal(classic.code, "0");
  assert.equal(classic.data.token, undefined);
  sim.addAccount({ ...OWNER, account: "refused@example.com", refused: true });
  const session = await login("refused@example.com");
  const answer = await call(session, LIST, listQuery(1));
  assert.equal(answer.code, 100002);
});

Deno.test("GoodWe sim prints spaced times and dotted dates, and a fractional time_span", async () => {
  const { sim, login, call } = setupSim({ at: "2026-04-03T06:03:00Z" });
  const pune = {
    ...AMSTERDAM,
    id: "7b1e4c2a-3d5f-4a6b-9c8d-2e1f0a9b8c7d",
    timeZone: "Asia/Kolkata",
  };
  sim.addAccount({
    ...OWNER,
    account: "in@example.com",
    dateFormat: "MM.dd.yyyy",
    timeStyle: "spaced",
    plants: [pune],
  });
  const session = await login("in@example.com");
  const { data } = await call(session, DETAIL, { powerStationId: pune.id });
  // 06:03Z is 11:33 in India (UTC+05:30).
  assert.equal(data.info.time, "04/03/2026 11: 33: 00");
  assert.equal(data.info.date_format, "MM.dd.yyyy");
  assert.equal(data.info.time_span, -5.5);
  assert.equal(data.inverter[0].last_refresh_time, "04/03/2026 11: 30: 00");
  assert.equal(data.inverter[0].d.last_refresh_time, "04.03.2026 11: 30: 00");
  const pacs = (await call(session, PACS, { id: pune.id, date: "2026-04-03" })).data.pacs;
  assert.match(pacs[0].date, /^04\.03\.2026 \d{2}: \d{2}: 00$/);
});

Deno.test("GoodWe sim rejects unknown correction switches by name", () => {
  const { sim } = setupSim();
  const bad = (extra: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => sim.addAccount({ ...OWNER, ...extra } as never), message);
  bad({ loginHost: "us" }, /loginHost must be one of global, eu, cn/);
  bad({ legacyLogin: "none" }, /legacyLogin must be "ok" or "no-token"/);
  bad({ timeStyle: "wide" }, /timeStyle must be "plain" or "spaced"/);
  bad({ refused: "yes" }, /refused must be a boolean/);
  bad({ dateFormat: "yyyy.dd.MM" }, /dateFormat must be one of/);
});
