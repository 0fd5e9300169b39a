import assert from "node:assert/strict";
import { BadRecordError } from "../../../shared/errors.ts";
import { createLogger } from "../../../shared/logger.ts";
import type { AdapterContext, RecordedResponse } from "../../../shared/types.ts";
import { inverters, localDates, plantTimeZone } from "./plant.ts";

/** A context whose HTTP client answers every request with `body` and notes the URLs. */
function answering(body: unknown, status = 200) {
  const urls: string[] = [];
  const ctx: AdapterContext<unknown> = {
    baseUrl: "https://monitoring.test",
    secret: {},
    vendorConfig: {},
    plan: {},
    now: () => new Date("2026-10-25T12:00:00Z"),
    logger: createLogger({ write: () => {} }),
    http: (req) => {
      urls.push(req.url);
      return Promise.resolve({ status, headers: new Headers(), text: JSON.stringify(body) });
    },
  };
  return { ctx, urls };
}

Deno.test("inverters keeps active solar inverters and their generatorPower only", async () => {
  const body = JSON.parse(
    Deno.readTextFileSync(new URL("./testdata/devices_lean.json", import.meta.url)),
  );
  const { ctx, urls } = answering(body);
  const responses: RecordedResponse[] = [];
  const found = await inverters(ctx, "44 00/1", responses);
  // Not the data manager, the deactivated 3002 or the battery inverter.
  assert.deepEqual(found, [
    { deviceId: "3001", generatorPowerW: 8000 },
    { deviceId: "3003", generatorPowerW: undefined },
    { deviceId: "3005", generatorPowerW: 10000 },
  ]);
  assert.deepEqual(urls, ["https://monitoring.test/v1/plants/44%2000%2F1/devices/lean"]);
  assert.equal(responses.length, 1);
  assert.equal(responses[0].endpoint, "/v1/plants/{plantId}/devices/lean");
  assert.deepEqual(responses[0].body, body);
});

Deno.test("inverters and plantTimeZone reject bodies without what they need", async () => {
  await assert.rejects(inverters(answering({ plants: [] }).ctx, "1", []), BadRecordError);
  await assert.rejects(
    plantTimeZone(answering({ plantId: "1", timezone: "Nowhere/Land" }).ctx, "1", []),
    /timezone Nowhere\/Land is not a zone/,
  );
  const { ctx, urls } = answering({ plantId: "1", timezone: "Europe/Vienna" });
  assert.equal(await plantTimeZone(ctx, "1", []), "Europe/Vienna");
  assert.deepEqual(urls, ["https://monitoring.test/v1/plants/1"]);
});

Deno.test("localDates lists the plant-local days whose sets hold the window's interval ends", () => {
  const w = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
  // 00:00 to 24:00 Berlin time: every end is on the 29th.
  assert.deepEqual(localDates(w("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"), "Europe/Berlin"), [
    "2026-03-29",
  ]);
  // From 23:00 local the 23:05 ... 00:00 ends are in the 28th's set.
  assert.deepEqual(localDates(w("2026-03-28T22:00:00Z", "2026-03-29T22:00:00Z"), "Europe/Berlin"), [
    "2026-03-28",
    "2026-03-29",
  ]);
  // Evening in New York is the next day in UTC; the local dates are what SMA wants.
  assert.deepEqual(
    localDates(w("2026-10-25T01:00:00Z", "2026-10-25T05:00:00Z"), "America/New_York"),
    ["2026-10-24", "2026-10-25"],
  );
  assert.deepEqual(localDates(w("2026-10-25T05:00:00Z", "2026-10-25T05:00:00Z"), "UTC"), []);
});
