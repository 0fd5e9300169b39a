import assert from "node:assert/strict";
import { quantity, roundValue } from "./units.ts";

Deno.test("quantity reads GoodWe's unit-suffixed strings into the base unit", () => {
  assert.equal(quantity("2337(W)", "W"), 2337);
  assert.equal(quantity("1.5(kW)", "W"), 1500);
  assert.equal(quantity("0.589 KW", "W"), 589);
  assert.equal(quantity("19248.5kWh", "Wh"), 19248500);
  assert.equal(quantity("-120(W)", "W"), -120);
  assert.equal(quantity("231.2V", "V"), 231.2);
  assert.equal(quantity("32.0℃", "°C"), 32);
});

Deno.test("quantity scales bare numbers by the field's unit and rejects other units", () => {
  assert.equal(quantity(8.9, "Wh", 1000), 8900);
  assert.equal(quantity("8.9", "Wh", 1000), 8900);
  assert.equal(quantity("2337(W)", "Wh"), null);
  assert.equal(quantity("5kWh", "W"), null);
  assert.equal(quantity("3mV", "V"), null);
  assert.equal(quantity("0V/0A", "V"), null);
  assert.equal(quantity("--", "W"), null);
  assert.equal(quantity(Number.NaN, "W"), null);
  assert.equal(quantity(null, "W"), null);
  assert.equal(quantity(true, "W"), null);
});

Deno.test("roundValue keeps three decimals and removes float noise", () => {
  assert.equal(roundValue(0.1 * 3 * 1000), 300);
  assert.equal(roundValue(1.23456), 1.235);
});
