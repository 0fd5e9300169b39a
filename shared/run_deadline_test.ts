/**
 * Issue 8, "a run past the wall clock": with one credential's vendor calls hanging, the run ends
 * by its deadline, because no call, timeout or retry of the HTTP helper outlasts it, and the
 * site it was on is skipped, not failed. On an injected clock: nothing here really waits.
 */
import assert from "node:assert/strict";
import { runSync } from "./runner.ts";
import { deadlineClock } from "./testing/deadline_clock.ts";
import { scriptedWorld } from "./testing/scripted_adapter.ts";

Deno.test("a hanging vendor with the deadline 5 s away ends the run in time and skips the site", async () => {
  const { deps, store, puts, now } = await scriptedWorld({ a: [{ id: "1" }, { id: "2" }] });
  await runSync(deps, { trigger: "manual" });
  for (const s of store.sites) s.consecutive_failures = 3;
  puts.clear();
  const clock = deadlineClock(now.getTime());
  const answer = deps.http.fetch;
  // The site list answers; every data call hangs.
  const fetch =
    ((url: string, init?: RequestInit) =>
      url.includes("/data/")
        ? clock.hanging(url, init)
        : answer(url, init)) as typeof globalThis.fetch;
  const start = clock.now();
  const summary = await runSync(
    {
      ...deps,
      now: clock.date,
      http: { ...deps.http, fetch, now: clock.now, sleep: clock.sleep, timeout: clock.timeout },
    },
    { trigger: "cron", deadline: new Date(start + 5_000) },
  );
  assert.ok(clock.now() <= start + 5_000, `the run ended ${clock.now() - start} ms in`);
  assert.deepEqual(summary.sites.map((s) => s.status), ["skipped", "skipped"]);
  assert.match(summary.sites[0].error!, /the run's time ran out/);
  assert.equal(summary.counts.sitesFailed, 0);
  assert.ok(store.sites.every((s) => s.consecutive_failures === 3));
  assert.equal(puts.size, 0);
});
