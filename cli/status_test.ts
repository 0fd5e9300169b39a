import assert from "node:assert/strict";
import { renderStatus, type SiteHealth } from "./status.ts";

const row = (over: Partial<SiteHealth>): SiteHealth => ({
  organization: "Acme",
  source: "solaredge",
  vendor_site_id: "1",
  name: null,
  state: "fresh",
  lag_minutes: 30,
  cadence_hours: 1,
  daylight_completeness_24h: 1,
  month_calls_used: null,
  month_call_limit: null,
  next_action: null,
  ...over,
});

Deno.test("the status table keeps the rows' order, shows lag, cadence, completeness and quota, and sums up", () => {
  const out = renderStatus([
    row({ vendor_site_id: "9", state: "needs_reauth", next_action: "Re-authorise it" }),
    row({
      vendor_site_id: "7",
      state: "late",
      lag_minutes: 3 * 24 * 60 + 120,
      daylight_completeness_24h: 0.875,
      month_calls_used: 900,
      month_call_limit: 1000,
    }),
    row({
      vendor_site_id: "8",
      state: "fresh",
      lag_minutes: null,
      cadence_hours: 6,
      daylight_completeness_24h: null,
    }),
  ]);
  const lines = out.trimEnd().split("\n");
  assert.match(
    lines[0],
    /^STATE\s+ORGANISATION\s+VENDOR\s+SITE\s+LAG\s+CADENCE\s+DAYLIGHT 24H\s+MONTH CALLS\s+NEXT ACTION$/,
  );
  assert.match(
    lines[1],
    /^REAUTH\s+Acme\s+solaredge\s+9\s+30 min\s+hourly\s+100 %\s+-\s+Re-authorise it$/,
  );
  assert.match(lines[2], /^LATE\s+.*\s7\s+3 d 2 h\s+hourly\s+87 %\s+900\/1000$/);
  assert.match(lines[3], /^fresh\s+.*\s8\s+never\s+6 h\s+-\s+-$/);
  assert.equal(lines[4], "3 sites: 1 fresh, 1 late, 0 failing, 1 needing re-authorisation");
});

Deno.test("an empty fleet says so", () => {
  assert.equal(
    renderStatus([]).trimEnd().split("\n").at(-1),
    "0 sites: 0 fresh, 0 late, 0 failing, 0 needing re-authorisation",
  );
});
