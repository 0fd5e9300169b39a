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

Deno.test("plantTimeZone reads fractional time_span as a fixed offset zone", () => {
  // India (UTC+05:30), central Australia (UTC+09:30), Newfoundland (UTC-03:30), Nepal.
  assert.equal(plantTimeZone(undefined, { time_span: -5.5 }), "+05:30");
  assert.equal(plantTimeZone(undefined, { time_span: -9.5 }), "+09:30");
  assert.equal(plantTimeZone(undefined, { time_span: 3.5 }), "-03:30");
  assert.equal(plantTimeZone(undefined, { time_span: -5.75 }), "+05:45");
  assert.equal(plantTimeZone(undefined, { time_span: -10.0 }), "Etc/GMT-10");
});

Deno.test("plantTimeZone gives up on impossible offsets and missing data", () => {
  assert.equal(plantTimeZone(undefined, { time_span: -5.3 }), undefined);
  assert.equal(plantTimeZone(undefined, { time_span: -15 }), undefined);
  assert.equal(plantTimeZone(undefined, { time_span: Number.NaN }), undefined);
  assert.equal(plantTimeZone(undefined, { time_span: "-1" }), undefined);
  assert.equal(plantTimeZone(undefined, { time_zone: "CET" }), undefined);
  assert.equal(plantTimeZone(undefined, undefined), undefined);
});
