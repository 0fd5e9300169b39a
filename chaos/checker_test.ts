import assert from "node:assert/strict";
import { compareEnvelope, expectedKey, expectedWindows, groundTruth } from "./checker.ts";

const SITE = { vendorSiteId: "3100001", timeZone: "Europe/Berlin", peakPowerKw: 5 };
const FROM = new Date("2026-12-03T00:00:00Z");
const TO = new Date("2026-12-03T12:00:00Z");
const LATER = new Date("2026-12-04T00:00:00Z");

function envelope(edit: (readings: Array<Record<string, unknown>>) => void = () => {}) {
  const readings: Array<Record<string, unknown>> = [];
  for (const [ts, v] of groundTruth(SITE, FROM, TO, LATER)) {
    readings.push({ ts, metric: "power_w", value: v.power }, {
      ts,
      metric: "energy_wh",
      value: v.energy,
    });
  }
  edit(readings);
  return JSON.stringify({
    window: { from: FROM.toISOString(), to: TO.toISOString() },
    fetched_at: LATER.toISOString(),
    readings,
  });
}

Deno.test("the expected windows are every 12-hour window from the watermark to the last cycle", () => {
  const ws = expectedWindows(new Date("2026-12-03T11:00:00Z"), new Date("2026-12-04T00:20:00Z"));
  assert.deepEqual(ws.map((w) => w.end.toISOString()), [
    "2026-12-03T12:00:00.000Z",
    "2026-12-04T00:00:00.000Z",
    "2026-12-04T12:00:00.000Z",
  ]);
  assert.equal(
    expectedKey("org", "3100001", new Date("2026-12-04T00:00:00Z")),
    "raw/solaredge/org/2026-12-04/site_3100001_000000.json",
  );
});

Deno.test("an envelope equal to the simulator's values passes; night holds no reading", () => {
  assert.deepEqual(compareEnvelope(SITE, envelope()), []);
  // Berlin in December: nothing before about 07:00 UTC.
  assert.ok(!groundTruth(SITE, FROM, TO, LATER).has("2026-12-03T03:00:00.000Z"));
});

Deno.test("a missing interval, a changed value, a shifted stamp and a broken body are each found", () => {
  const missing = compareEnvelope(SITE, envelope((r) => r.splice(20, 1)));
  assert.equal(missing.length, 1);
  assert.match(missing[0], /is missing$/);
  const changed = compareEnvelope(SITE, envelope((r) => (r[0].value = 1)));
  assert.match(changed[0], /is 1, not /);
  const shifted = compareEnvelope(
    SITE,
    envelope((r) => {
      for (const x of r) x.ts = new Date(Date.parse(x.ts as string) - 15 * 60_000).toISOString();
    }),
  );
  assert.ok(shifted.length > 0);
  assert.deepEqual(compareEnvelope(SITE, '{"window":'), ["does not parse"]);
});

Deno.test("without ground truth a reading outside its window or not finite is found; a bad time is named", () => {
  const body = (readings: unknown[]) =>
    JSON.stringify({
      window: { from: FROM.toISOString(), to: TO.toISOString() },
      fetched_at: LATER.toISOString(),
      readings,
    });
  const inside = { ts: "2026-12-03T10:00:00.000Z", metric: "power_w", value: 5 };
  assert.deepEqual(compareEnvelope(SITE, body([inside]), { truth: false }), []);
  assert.deepEqual(
    compareEnvelope(
      SITE,
      body([inside, { ...inside, ts: FROM.toISOString() }, { ...inside, value: null }]),
      {
        truth: false,
      },
    ),
    ["2 readings outside the window or not finite"],
  );
  assert.deepEqual(compareEnvelope(SITE, body([{ ...inside, ts: "soon" }])).slice(0, 1), [
    'a reading\'s time "soon" does not parse',
  ]);
});
