import assert from "node:assert/strict";
import { plantTimeZone } from "./zone.ts";

Deno.test("plantTimeZone prefers the site's zone, then a named zone in the detail", () => {
  assert.equal(plantTimeZone("Europe/Amsterdam", { time_span: -5 }), "Europe/Amsterdam");
  assert.equal(
    plantTimeZone(null, { time_zone: "Australia/Perth", time_span: -1 }),
    "Australia/Perth",
  );
  assert.equal(plantTimeZone("Not/AZone", { timezone: "America/Denver" }), "America/Denver");
});

Deno.test("plantTimeZone turns time_span into the fixed Etc/GMT zone of that offset", () => {
  // A Dutch plant: time_span -1 in January (UTC+1), -2 in September (UTC+2).
  assert.equal(plantTimeZone(undefined, { time_span: -1 }), "Etc/GMT-1");
  assert.equal(plantTimeZone(undefined, { time_span: -2 }), "Etc/GMT-2");
  assert.equal(plantTimeZone(undefined, { time_span: 6 }), "Etc/GMT+6");
  assert.equal(plantTimeZone(undefined, { time_span: 0 }), "Etc/GMT");
});

Deno.test("plantTimeZone gives up on half-hour offsets and missing data", () => {
  assert.equal(plantTimeZone(undefined, { time_span: -5.5 }), undefined);
  assert.equal(plantTimeZone(undefined, { time_span: "-1" }), undefined);
  assert.equal(plantTimeZone(undefined, { time_zone: "CET" }), undefined);
  assert.equal(plantTimeZone(undefined, undefined), undefined);
});
