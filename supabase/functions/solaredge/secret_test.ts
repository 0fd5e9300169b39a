/**
 * The credential document: an API key (Fleet Access) or a homeowner's grant (Site Access), one
 * kind or the other, each with its sensitive strings and its own auth header.
 */
import assert from "node:assert/strict";
import { BadRecordError } from "../../../shared/errors.ts";
import { solaredge } from "./adapter.ts";

const GRANT = {
  kind: "oauth",
  accessToken: " at-123456 ",
  refreshToken: "rt-654321",
  expiresAt: "2026-12-01T14:00:00+01:00",
  siteId: "4100001",
};

Deno.test("an API-key document parses as before and sends X-API-Key", () => {
  const { secret, sensitive } = solaredge.parseSecret({ apiKey: " k-1 ", accountKey: "acc-2" });
  assert.deepEqual(secret, { apiKey: "k-1", accountKey: "acc-2" });
  assert.deepEqual(sensitive, ["k-1", "acc-2"]);
  assert.deepEqual(solaredge.authHeaders(secret), { "X-API-Key": "k-1", "X-Account-Key": "acc-2" });
  assert.deepEqual(solaredge.parseSecret({ kind: "apiKey", apiKey: "k" }).secret, {
    apiKey: "k",
    accountKey: undefined,
  });
});

Deno.test("a Site Access document parses, lists both tokens and sends a bearer", () => {
  const { secret, sensitive } = solaredge.parseSecret(GRANT);
  assert.deepEqual(secret, {
    kind: "oauth",
    accessToken: "at-123456",
    refreshToken: "rt-654321",
    expiresAt: "2026-12-01T13:00:00.000Z",
    siteId: "4100001",
  });
  assert.deepEqual(sensitive, ["at-123456", "rt-654321"]);
  assert.deepEqual(solaredge.authHeaders(secret), { Authorization: "Bearer at-123456" });
  assert.equal(solaredge.tokens!.applies!(secret), true);
  assert.equal(solaredge.tokens!.applies!(solaredge.parseSecret({ apiKey: "k" }).secret), false);
});

Deno.test("a document of neither kind, or of both, is refused naming the problem", () => {
  const refused = (doc: unknown, message: RegExp) =>
    assert.throws(
      () => solaredge.parseSecret(doc),
      (e: unknown) => e instanceof BadRecordError && message.test(e.message),
    );
  refused(null, /^Cannot use SolarEdge credential: the document must be a JSON object$/);
  refused({}, /apiKey is missing/);
  refused({ apiKey: 5 }, /apiKey must be a string/);
  refused({ apiKey: "k", accessToken: "a" }, /cannot also hold accessToken.*one kind or the other/);
  refused({ ...GRANT, apiKey: "k" }, /Site Access \(oauth\) credential cannot also hold apiKey/);
  refused({ ...GRANT, kind: "bearer" }, /kind must be "apiKey" or "oauth"/);
  refused({ ...GRANT, siteId: undefined }, /siteId is missing/);
  refused({ ...GRANT, refreshToken: "" }, /refreshToken is missing/);
  refused({ ...GRANT, expiresAt: "soon" }, /expiresAt is not an ISO date-time/);
  refused({ apiKey: "k", accountKey: 7 }, /accountKey must be a string/);
});
