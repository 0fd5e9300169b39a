/**
 * The run's writer keeps each window's daylight completeness in site_window_coverage, replaced
 * only by a fetch that covers at least as much of the window, as the window's object is.
 */
import assert from "node:assert/strict";
import { createRunStore } from "../../shared/stores/runs.ts";
import { seedCredential, stackTest } from "./helpers.ts";

stackTest(
  "a window's completeness is never replaced by a fetch that covers less of it",
  async (sql) => {
    const { orgId, credentialId } = await seedCredential(sql, `coverage ${crypto.randomUUID()}`, {
      apiKey: "unused",
    });
    const [site] = await sql`
    insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id)
    values (${orgId}, ${credentialId}, 'solaredge', 'cov-1') returning id`;
    const runs = createRunStore(sql);
    const runId = await runs.startRun("solaredge", "manual", {}, false);
    const window = (to: string, expected: number, received: number) => ({
      from: new Date("2026-12-03T00:00:00Z"),
      to: new Date(to),
      end: new Date("2026-12-03T12:00:00Z"),
      daylightExpected: expected,
      daylightReceived: received,
    });
    const record = (to: string, expected: number, received: number) =>
      runs.recordSites([{
        runId,
        organizationId: orgId,
        credentialId,
        siteId: site.id,
        status: "succeeded",
        syncedThrough: new Date(to),
        coverage: [window(to, expected, received)],
      }]);
    const stored = async () =>
      (await sql`
      select covered_to, daylight_expected, daylight_received from public.site_window_coverage
      where site_id = ${site.id}`).map((r) => [
        r.covered_to.toISOString(),
        r.daylight_expected,
        r.daylight_received,
      ]);
    try {
      await record("2026-12-03T11:00:00Z", 12, 12);
      assert.deepEqual(await stored(), [["2026-12-03T11:00:00.000Z", 12, 12]]);
      // A fetch that covered less (an older lookback) leaves the fuller counts.
      await record("2026-12-03T10:00:00Z", 8, 3);
      assert.deepEqual(await stored(), [["2026-12-03T11:00:00.000Z", 12, 12]]);
      // One that covers more replaces them.
      await record("2026-12-03T12:00:00Z", 16, 15);
      assert.deepEqual(await stored(), [["2026-12-03T12:00:00.000Z", 16, 15]]);
    } finally {
      await sql`delete from public.organizations where id = ${orgId}`;
    }
  },
);
