import assert from "node:assert/strict";
import { dateFormatFor, parseSemsDate } from "./dates.ts";

Deno.test("parseSemsDate reads MM/dd/yyyy by default and the account's locale order when given", () => {
  assert.equal(parseSemsDate("01/10/2026 20:37:31"), "2026-01-10T20:37:31");
  assert.equal(parseSemsDate("01/10/2026 20:37:31", "dd/MM/yyyy"), "2026-10-01T20:37:31");
  assert.equal(parseSemsDate("2026-03-05 07:04", "yyyy-MM-dd"), "2026-03-05T07:04:00");
  assert.equal(parseSemsDate("5.3.2026 7:04:09", "dd.MM.yyyy"), "2026-03-05T07:04:09");
  assert.equal(parseSemsDate("12/21/2018"), "2018-12-21T00:00:00");
});

Deno.test("parseSemsDate rejects impossible dates and text in another format", () => {
  for (
    const text of [
      "02/30/2026 10:00:00",
      "13/01/2026 10:00:00",
      "01/10/2026 24:00:00",
      "2026-01-10",
    ]
  ) {
    assert.equal(parseSemsDate(text), null, text);
  }
  assert.equal(parseSemsDate(20260110), null);
  assert.equal(parseSemsDate(null), null);
});

Deno.test("parseSemsDate falls back to MM/dd/yyyy for a format it cannot read", () => {
  assert.equal(parseSemsDate("01/10/2026 08:00:00", "MMM d, yyyy"), "2026-01-10T08:00:00");
  assert.equal(parseSemsDate("01/10/2026 08:00:00", "dd/dd/yyyy"), "2026-01-10T08:00:00");
});

Deno.test("dateFormatFor keeps the format under which a sample falls on the requested day", () => {
  assert.equal(dateFormatFor("05/03/2026 11:00:00", "2026-03-05", "dd/MM/yyyy"), "dd/MM/yyyy");
  // The account says dd/MM but the curve came MM/dd: the requested day tells them apart.
  assert.equal(dateFormatFor("03/05/2026 11:00:00", "2026-03-05", "dd/MM/yyyy"), "MM/dd/yyyy");
  assert.equal(dateFormatFor("25/10/2026 11:00:00", "2026-10-25", "dd/MM/yyyy"), "dd/MM/yyyy");
  assert.equal(dateFormatFor(undefined, "2026-10-25", "dd/MM/yyyy"), "dd/MM/yyyy");
});
