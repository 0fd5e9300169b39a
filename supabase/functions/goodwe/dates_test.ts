import assert from "node:assert/strict";
import { parseSemsDate } from "./dates.ts";

Deno.test("parseSemsDate reads the shapes of the real captures, stray spaces included", () => {
  // 20250623_homekit_getData.json prints a space after each colon.
  assert.equal(parseSemsDate("06/22/2025 17: 06: 27"), "2025-06-22T17:06:27");
  assert.equal(
    parseSemsDate(" 06.22.2025  17: 02: 36 ", { dateFormat: "MM.dd.yyyy" }),
    "2025-06-22T17:02:36",
  );
  assert.equal(parseSemsDate("12/21/2018"), "2018-12-21T00:00:00");
  assert.equal(parseSemsDate("2026-03-05 07:04"), "2026-03-05T07:04:00");
  assert.equal(parseSemsDate("2026/03/05T07:04:09"), "2026-03-05T07:04:09");
  assert.equal(parseSemsDate("5.3.2026 7:04:09"), "2026-03-05T07:04:09");
  assert.equal(parseSemsDate("05-03-2026 07:04:09"), "2026-03-05T07:04:09");
});

Deno.test("parseSemsDate: a part above 12 decides whatever the format says", () => {
  assert.equal(parseSemsDate("13/01/2026 10:00:00", { canonical: true }), "2026-01-13T10:00:00");
  assert.equal(parseSemsDate("01.13.2026 10:00:00"), "2026-01-13T10:00:00");
  assert.equal(
    parseSemsDate("21/12/2018 15:19:52", { dateFormat: "MM/dd/yyyy" }),
    "2018-12-21T15:19:52",
  );
});

Deno.test("parseSemsDate: canonical fields are month first although date_format says dd/MM", () => {
  // 20260110_singleInverter_getData.json: info.time on 10 January under dd/MM/yyyy.
  const options = { dateFormat: "dd/MM/yyyy", canonical: true };
  assert.equal(parseSemsDate("01/10/2026 20:37:31", options), "2026-01-10T20:37:31");
  // ...while the inverter's d.last_refresh_time in the same answer follows dd/MM/yyyy.
  assert.equal(
    parseSemsDate("10/01/2026 15:52:38", { dateFormat: "dd/MM/yyyy" }),
    "2026-01-10T15:52:38",
  );
});

Deno.test("parseSemsDate: the requested day settles 03/04, then date_format, then the separator", () => {
  assert.equal(parseSemsDate("03/04/2026 10:00", { day: "2026-04-03" }), "2026-04-03T10:00:00");
  assert.equal(
    parseSemsDate("03/04/2026 10:00", { day: "2026-03-04", dateFormat: "dd/MM/yyyy" }),
    "2026-03-04T10:00:00",
  );
  // date_format applies when it uses the text's separator.
  assert.equal(
    parseSemsDate("03/04/2026 10:00", { dateFormat: "dd/MM/yyyy" }),
    "2026-04-03T10:00:00",
  );
  assert.equal(
    parseSemsDate("03.04.2026 10:00", { dateFormat: "MM.dd.yyyy" }),
    "2026-03-04T10:00:00",
  );
  // It disagrees with the text's separator: `/` is month first, `.` and `-` day first.
  assert.equal(
    parseSemsDate("03/04/2026 10:00", { dateFormat: "dd.MM.yyyy" }),
    "2026-03-04T10:00:00",
  );
  assert.equal(
    parseSemsDate("03.04.2026 10:00", { dateFormat: "MM/dd/yyyy" }),
    "2026-04-03T10:00:00",
  );
  assert.equal(parseSemsDate("03-04-2026 10:00"), "2026-04-03T10:00:00");
  // A format it cannot read is no hint.
  assert.equal(
    parseSemsDate("03/04/2026 10:00", { dateFormat: "dd/dd/yyyy" }),
    "2026-03-04T10:00:00",
  );
  assert.equal(
    parseSemsDate("03/04/2026 10:00", { dateFormat: "MMM d, yyyy" }),
    "2026-03-04T10:00:00",
  );
});

Deno.test("parseSemsDate rejects impossible dates and times, and non-text", () => {
  for (
    const text of [
      "02/30/2026 10:00:00",
      "13/13/2026 10:00:00",
      "01/10/2026 24:00:00",
      "01/10/2026 10:60",
      "01/10/26 10:00",
      "01/10-2026 10:00",
      "10:15:00",
      "yesterday",
      "",
    ]
  ) {
    assert.equal(parseSemsDate(text), null, text);
  }
  assert.equal(parseSemsDate(20260110), null);
  assert.equal(parseSemsDate(null), null);
});
