import assert from "node:assert/strict";
import { RequestError } from "./errors.ts";
import {
  backchannelBody,
  MAX_TEXT,
  oauthStartQuery,
  parseRequest,
  readJsonObject,
  runBody,
} from "./request_schemas.ts";

const ORG = "a1000000-0000-4000-8000-000000000001";

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RequestError);
    assert.equal(e.status, 400);
    return e.message;
  }
  assert.fail("accepted");
}

Deno.test("a run body takes its defaults and names the field that does not fit", () => {
  assert.deepEqual(parseRequest(runBody, {}, "start a run"), {
    trigger: "manual",
    dryRun: false,
    queue: false,
  });
  const run = (body: unknown) => refusal(() => parseRequest(runBody, body, "start a run"));
  assert.equal(run({ trigger: "hourly" }), "Cannot start a run: trigger must be cron or manual");
  assert.equal(run({ dryRun: "yes" }), "Cannot start a run: dryRun must be true or false");
  assert.equal(
    run({ lookbackHours: 0 }),
    "Cannot start a run: lookbackHours must be a number of hours between 0 and 744",
  );
  assert.equal(run({ siteId: " " }), "Cannot start a run: siteId must be a non-empty string");
  assert.equal(
    run({ siteId: "x".repeat(MAX_TEXT + 1) }),
    `Cannot start a run: siteId must be at most ${MAX_TEXT} characters`,
  );
  assert.equal(run({ credentialId: "5" }), "Cannot start a run: credentialId must be a uuid");
  assert.equal(run({ siteid: "1" }), "Cannot start a run: unknown field siteid");
  assert.equal(
    run({ queue: true, siteId: "1" }),
    "Cannot start a run: queue works the due jobs and takes no dryRun, lookbackHours, siteId or credentialId",
  );
});

Deno.test("request bodies must be JSON objects", () => {
  assert.deepEqual(readJsonObject("  ", "start a run"), {});
  for (const text of ["null", "[1]", "5", '"x"']) {
    assert.equal(
      refusal(() => readJsonObject(text, "start a run")),
      "Cannot start a run: the request body must be a JSON object",
    );
  }
  assert.equal(
    refusal(() => readJsonObject("{", "start a run")),
    "Cannot start a run: the request body is not JSON",
  );
});

Deno.test("an authorisation starts for an organisation or a credential, with a short label", () => {
  assert.deepEqual(parseRequest(oauthStartQuery, { organizationId: ORG }, "start"), {
    organizationId: ORG,
  });
  const start = (q: unknown) => refusal(() => parseRequest(oauthStartQuery, q, "start"));
  assert.equal(start({}), "Cannot start: give organizationId or credentialId (a uuid)");
  assert.equal(start({ organizationId: "acme" }), "Cannot start: organizationId must be a uuid");
  assert.equal(
    start({ organizationId: ORG, label: "x".repeat(10_000) }),
    `Cannot start: label must be at most ${MAX_TEXT} characters`,
  );
  assert.equal(start({ organizationId: ORG, admin: "1" }), "Cannot start: unknown field admin");
});

Deno.test("a back-channel consent needs an organisation and an address, nothing else", () => {
  const ok = parseRequest(backchannelBody, { organizationId: ORG, email: "o@example.test" }, "x");
  assert.deepEqual(ok, { organizationId: ORG, email: "o@example.test" });
  const ask = (b: unknown) => refusal(() => parseRequest(backchannelBody, b, "request consent"));
  assert.equal(
    ask({ organizationId: ORG, email: "nobody" }),
    "Cannot request consent: email must be the owner's e-mail address",
  );
  assert.equal(
    ask({ email: "o@example.test" }),
    "Cannot request consent: organizationId must be a uuid",
  );
  assert.equal(
    ask({ organizationId: ORG, email: "o@example.test", role: "owner" }),
    "Cannot request consent: unknown field role",
  );
  assert.equal(
    ask({ organizationId: ORG, email: "o@example.test", label: "x".repeat(10_000_000) }),
    `Cannot request consent: label must be at most ${MAX_TEXT} characters`,
  );
});
