/**
 * Requests a hostile caller would send, through the local gateway to the real functions and
 * database: each is refused with the status and message that name its problem, and nothing is
 * stored.
 */
import assert from "node:assert/strict";
import {
  env,
  seedCredential,
  simAccount,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";

const fn = (path: string) => `${env.SUPABASE_URL}/functions/v1/${path}`;

stackTest("a 10 MB run body is refused with 413 and stores no run", async (sql) => {
  const [{ n: before }] = await sql`select count(*)::int as n from public.sync_runs`;
  const res = await startRun({ siteId: "3".repeat(10_000_000) });
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /larger than 65536 bytes/);
  const [{ n: after }] = await sql`select count(*)::int as n from public.sync_runs`;
  assert.equal(after, before);
});

stackTest("a run for a site no credential has fails and names the id", async (sql) => {
  await seedCredential(sql, `hostile ${crypto.randomUUID()}`, { apiKey: "HOSTILE-KEY-NONE" });
  const res = await startRun({ siteId: "no-such-site-4711" });
  assert.equal(res.status, 202);
  const run = await waitForRun(sql, (await res.json()).runId);
  assert.equal(run.status, "failed");
  assert.match(
    run.error,
    /Cannot sync site "no-such-site-4711": no solaredge credential has a site/,
  );
});

stackTest(
  "an authorisation for an organisation that does not exist is refused before the vendor",
  async () => {
    const ghost = crypto.randomUUID();
    const res = await fetch(fn(`enphase/oauth/start?organizationId=${ghost}`), {
      headers: { apikey: env.SUPABASE_SERVICE_KEY },
      redirect: "manual",
    });
    assert.equal(res.status, 404);
    assert.equal(
      (await res.json()).error,
      `Cannot start the authorisation: no organisation ${ghost}`,
    );
  },
);

stackTest(
  "an SMA consent with a null body or an unknown organisation is a 4xx, never a 500",
  async (sql) => {
    const post = (body: string) =>
      fetch(fn("sma/oauth/backchannel"), {
        method: "POST",
        headers: { apikey: env.SUPABASE_SERVICE_KEY, "content-type": "application/json" },
        body,
      });
    const nul = await post("null");
    assert.equal(nul.status, 400);
    assert.match((await nul.json()).error, /must be a JSON object/);
    const ghost = crypto.randomUUID();
    const unknown = await post(JSON.stringify({ organizationId: ghost, email: "o@example.test" }));
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const [{ n }] = await sql`
    select count(*)::int as n from public.inverter_credentials where organization_id = ${ghost}`;
    assert.equal(n, 0);
  },
);

stackTest("a NUL in one site's name no longer hides the credential's other sites", async (sql) => {
  const apiKey = `nul-${crypto.randomUUID()}`;
  const [good, bad] = [uniqueId(), uniqueId()];
  await simAccount({
    apiKey,
    sites: [
      { siteId: good, name: "Good roof", timeZone: "Europe/Berlin", peakPowerKw: 3 },
      { siteId: bad, name: "Bad\u0000roof", timeZone: "Europe/Berlin", peakPowerKw: 3 },
    ],
  });
  const { credentialId } = await seedCredential(sql, `nul ${apiKey}`, { apiKey });
  const res = await startRun({ credentialId });
  assert.equal(res.status, 202);
  const run = await waitForRun(sql, (await res.json()).runId);
  assert.equal(run.status, "succeeded", run.error ?? "");
  const sites = await sql<{ vendor_site_id: string; name: string; synced_through: Date | null }[]>`
    select vendor_site_id, name, synced_through from public.inverter_sites
    where credential_id = ${credentialId} order by name`;
  assert.deepEqual(sites.map((s) => s.name), ["Badroof", "Good roof"]);
  assert.ok(sites.every((s) => s.synced_through !== null), "both sites synced");
});
