import assert from "node:assert/strict";
import { parseGoodWeSecret } from "./secret.ts";
import { BadRecordError } from "../../../shared/errors.ts";

const session = {
  token: JSON.stringify({ uid: "u-1", timestamp: 1, token: "inner-token-abc", client: "ios" }),
  api: "https://eu.semsportal.com/api/",
  issuedAt: "2026-10-25T11:03:00.000Z",
};

Deno.test("parseGoodWeSecret keeps the account, the exact password and a valid session", () => {
  const { secret, sensitive } = parseGoodWeSecret({
    account: " owner@example.com ",
    password: " pass word ",
    session,
  });
  assert.deepEqual(secret, { account: "owner@example.com", password: " pass word ", session });
  // The header JSON and the bare token inside it are both masked in logs.
  assert.deepEqual(sensitive, [" pass word ", session.token, "inner-token-abc"]);
});

Deno.test("parseGoodWeSecret accepts a document that has not logged in yet", () => {
  const { secret, sensitive } = parseGoodWeSecret({ account: "a@b.c", password: "pw" });
  assert.deepEqual(secret, { account: "a@b.c", password: "pw" });
  assert.deepEqual(sensitive, ["pw"]);
});

Deno.test("parseGoodWeSecret keeps the SEMS+ region of the account and of its session", () => {
  const { secret } = parseGoodWeSecret({
    account: "a@b.c",
    password: "pw",
    region: "cn",
    session: { ...session, loginRegion: "cn", loginVariant: "semsplus" },
  });
  assert.equal(secret.region, "cn");
  assert.equal(secret.session!.loginRegion, "cn");
  assert.equal(secret.session!.loginVariant, "semsplus");
  assert.throws(
    () =>
      parseGoodWeSecret({
        account: "a@b.c",
        password: "pw",
        session: { ...session, loginVariant: "web" },
      }),
    /session loginVariant must be semsplus or legacy/,
  );
  assert.throws(
    () => parseGoodWeSecret({ account: "a@b.c", password: "pw", region: "EU-west" }),
    (e: unknown) =>
      e instanceof BadRecordError &&
      e.message === 'Cannot use GoodWe credential: region must be global, eu or cn, got "EU-west"',
  );
});

Deno.test("parseGoodWeSecret names what is missing and never quotes the password", () => {
  const bad = (document: unknown, message: RegExp) =>
    assert.throws(
      () => parseGoodWeSecret(document),
      (e: unknown) =>
        e instanceof BadRecordError && message.test(e.message) && !e.message.includes("hunter2"),
    );
  bad(null, /account is missing/);
  bad({ account: "a@b.c" }, /password is missing/);
  bad({ account: "a@b.c", password: "hunter2", session: { api: session.api } }, /token is missing/);
  bad(
    { account: "a@b.c", password: "hunter2", session: { ...session, api: "eu.semsportal.com" } },
    /api must be an http\(s\) URL ending with \//,
  );
  bad(
    { account: "a@b.c", password: "hunter2", session: { ...session, issuedAt: "soon" } },
    /issuedAt must be a date/,
  );
});
