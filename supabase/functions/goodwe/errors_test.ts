import assert from "node:assert/strict";
import { answerError, codeKind, describeAnswer } from "./errors.ts";
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";

Deno.test("codeKind knows GoodWe's success and error codes as numbers or strings", () => {
  assert.equal(codeKind(0), "ok");
  assert.equal(codeKind("0"), "ok");
  assert.equal(codeKind("00000"), "ok");
  assert.equal(codeKind(100001), "not_logged_in");
  assert.equal(codeKind("100002"), "expired");
  assert.equal(codeKind("100004"), "parameter");
  assert.equal(codeKind(100005), "bad_credentials");
  assert.equal(codeKind(100000), "system");
  assert.equal(codeKind("GY0429"), "rate_limited");
  assert.equal(codeKind(1), "unknown");
  assert.equal(codeKind(undefined), "unknown");
});

Deno.test("describeAnswer quotes the code and wording of both API generations, without the period", () => {
  assert.equal(
    describeAnswer({ code: 100005, msg: "Email or password error." }),
    'code 100005, "Email or password error"',
  );
  assert.equal(
    describeAnswer({ code: "100004", description: "parameter error.", errorMsg: "x" }),
    'code 100004, "parameter error"',
  );
  assert.equal(describeAnswer({}), "code (none)");
});

Deno.test("answerError sorts resource answers into the three error kinds", () => {
  const label = "GoodWe plant list page 1";
  assert.equal(answerError({ code: 0, data: {} }, label, 1), undefined);
  const limited = answerError({ code: "GY0429", msg: "Too many requests" }, label, 300_000);
  assert.ok(limited instanceof RetriableError && limited.retryAfterMs === 300_000);
  assert.equal(
    limited.message,
    'Cannot call GoodWe plant list page 1: GoodWe answered code GY0429, "Too many requests"',
  );
  const expired = answerError({ code: 100002, msg: "The authorization has expired." }, label, 1);
  assert.ok(expired instanceof RetriableError && /even after a new login$/.test(expired.message));
  assert.ok(answerError({ code: 100000, msg: "system error" }, label, 1) instanceof RetriableError);
  assert.ok(answerError({ code: 100005 }, label, 1) instanceof FatalCredentialError);
  const odd = answerError({ code: 100099, msg: "Odd." }, label, 1);
  assert.ok(odd instanceof BadRecordError && /code 100099, "Odd"$/.test(odd.message));
  assert.ok(answerError(null, label, 1) instanceof BadRecordError);
});
