import assert from "node:assert/strict";
import { classifyAnswer, isV1Key, MONTHLY_CREDITS_SPENT, problemDetail } from "./errors.ts";
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";

const text = (name: string) =>
  Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));

const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  text: body,
});
const o = { label: "SolarEdge /sites", apiKey: "v2-key-abc", fatal: [401, 403, 410] };

Deno.test("problemDetail reads RFC 7807 detail, else title, and nothing from other bodies", () => {
  assert.equal(problemDetail(text("problem_401.json")), "Invalid API key");
  assert.equal(problemDetail('{"title":"Forbidden","detail":""}'), "Forbidden");
  assert.equal(problemDetail("<html>502</html>"), undefined);
  assert.equal(problemDetail("null"), undefined);
  assert.equal(problemDetail(JSON.stringify({ detail: "x".repeat(500) }))!.length, 200);
});

Deno.test("a 401 for a V2 key says SolarEdge's reason; a V1-shaped key hears of the retirement", () => {
  const v2 = classifyAnswer(answer(401, text("problem_401.json")), o);
  assert.ok(v2 instanceof FatalCredentialError);
  assert.equal(v2.message, "SolarEdge rejected the API key (HTTP 401): Invalid API key");
  const v1 = classifyAnswer(answer(401, text("problem_401.json")), {
    ...o,
    apiKey: "L4QLVQ1LOKCQX2193VSEICXW61NP6B1O",
  });
  assert.match(v1!.message, /shape of a V1 key.*retired on 3 Nov 2026.*V2 key/);
  assert.ok(isV1Key("L4QLVQ1LOKCQX2193VSEICXW61NP6B1O"));
  assert.ok(!isV1Key("l4qlvq1lokcqx2193vseicxw61np6b1o") && !isV1Key("SHORT123"));
  const gone = classifyAnswer(answer(410, '{"detail":"Gone"}'), o);
  assert.ok(gone instanceof FatalCredentialError && /V1 was retired/.test(gone.message));
});

Deno.test("the two kinds of 429: per-minute is left to the core, monthly pauses unretried", () => {
  const minute = answer(429, "{}", { "retry-after": "30", "x-ratelimit-remaining-minute": "0" });
  assert.equal(classifyAnswer(minute, o), undefined);
  const month = classifyAnswer(
    answer(429, '{"detail":"Monthly quota exceeded"}', { "x-ratelimit-remaining-minute": "8" }),
    o,
  );
  assert.ok(month instanceof RetriableError);
  assert.ok(month.message.startsWith(MONTHLY_CREDITS_SPENT));
  assert.match(month.message, /Monthly quota exceeded/);
  assert.ok((month.retryAfterMs ?? 0) >= 60_000);
  // Without either header it is not known to be the month: the core's usual retry.
  assert.equal(classifyAnswer(answer(429, ""), o), undefined);
});

Deno.test("other failures carry the vendor's detail; 5xx is left to the core", () => {
  const range = classifyAnswer(answer(400, text("problem_400_range.json")), {
    ...o,
    label: "SolarEdge /sites/1/power",
    fatal: [401, 410],
  });
  assert.ok(range instanceof BadRecordError);
  assert.equal(
    range.message,
    "Cannot call SolarEdge /sites/1/power: received HTTP 400: Invalid date range: at most 12 " +
      "hours per request at QUARTER_HOUR resolution",
  );
  const refused = classifyAnswer(answer(403, '{"detail":"Tier gate"}'), o);
  assert.ok(
    refused instanceof FatalCredentialError && /HTTP 403\): Tier gate/.test(refused.message),
  );
  assert.equal(classifyAnswer(answer(503, "down"), o), undefined);
});
