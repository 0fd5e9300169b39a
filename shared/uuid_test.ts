import assert from "node:assert/strict";
import { isUuid } from "./uuid.ts";

Deno.test("isUuid accepts uuids in either case and nothing else", () => {
  assert.equal(isUuid("0B6F3F7E-1c1a-4d1e-9a57-1d1d2f0e6a01"), true);
  for (const bad of ["acme", "", "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a0", 42, undefined]) {
    assert.equal(isUuid(bad), false);
  }
});
