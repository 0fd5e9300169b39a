/**
 * Real user sessions on the local stack: `deno task stack user add` creates the user and the
 * membership and prints an access token; the gateway publishes the signing key at the JWKS path,
 * and the functions' session check accepts the token through it, as on a hosted project.
 */
import assert from "node:assert/strict";
import { sessionVerifier } from "../../shared/session.ts";
import {
  env,
  listKeys,
  seedCredential,
  simAccount,
  stackTest,
  startRun,
  uniqueId,
  waitFor,
  waitForRun,
} from "./helpers.ts";

const root = new URL("../../", import.meta.url).pathname;

async function stackUser(args: string[]) {
  return await denoRun([`${root}local/stack.ts`, "user", ...args]);
}

async function denoRun(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}deno.json`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

stackTest(
  "stack user add makes an admin with a session the functions' check accepts",
  async (sql) => {
    const email = `admin-${crypto.randomUUID()}@example.test`;
    const org = `Auth org ${crypto.randomUUID()}`;
    const added = await stackUser(["add", "--email", email, "--org", org, "--role", "admin"]);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    const [member] = await sql`
    select u.id, m.role, o.name from auth.users u
    join public.organization_members m on m.user_id = u.id
    join public.organizations o on o.id = m.organization_id
    where u.email = ${email}`;
    assert.equal(member.role, "admin");
    assert.equal(member.name, org);
    try {
      const jwks = await (await fetch(`${env.SUPABASE_URL}/auth/v1/.well-known/jwks.json`)).json();
      assert.equal(jwks.keys.length, 1);
      assert.equal(jwks.keys[0].d, undefined, "the private half is never published");
      const session = await sessionVerifier({ supabaseUrl: env.SUPABASE_URL })(`Bearer ${token}`);
      assert.equal(session.userId, member.id);
      assert.equal(session.email, email);
      // Adding the same address again finds the user and changes the role, making no second user.
      const again = await stackUser(["add", "--email", email, "--org", org, "--role", "member"]);
      assert.equal(again.code, 0, again.stderr);
      const users = await sql`select m.role from public.organization_members m
      join auth.users u on u.id = m.user_id where u.email = ${email}`;
      assert.deepEqual(users.map((u) => u.role), ["member"]);
      const bad = await stackUser(["add", "--email", email, "--org", org, "--role", "root"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--role must be one of owner, admin, member/);
    } finally {
      await sql`delete from public.organizations where name = ${org}`;
      await sql`delete from auth.users where email = ${email}`;
    }
  },
);

stackTest(
  "a member reads their site's status with a real session; another organisation's is a 403",
  async (sql) => {
    const email = `member-${crypto.randomUUID()}@example.test`;
    const org = `Status org ${crypto.randomUUID()}`;
    const added = await stackUser(["add", "--email", email, "--org", org, "--role", "member"]);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    const [{ id: orgId }] = await sql`select id from public.organizations where name = ${org}`;
    const [{ id: otherId }] = await sql`
    insert into public.organizations (name) values (${`${org} other`}) returning id`;
    try {
      const creds = await sql<{ id: string; organization_id: string }[]>`
      insert into public.inverter_credentials (organization_id, source, label, secret, status)
      values (${orgId}, 'solaredge', 'mine', 'gAAAAAmine', 'disabled'),
             (${otherId}, 'solaredge', 'theirs', 'gAAAAAtheirs', 'disabled')
      returning id, organization_id`;
      const mineSite = `st-mine-${crypto.randomUUID()}`;
      const theirSite = `st-theirs-${crypto.randomUUID()}`;
      for (const [c, site] of [[creds[0], mineSite], [creds[1], theirSite]] as const) {
        await sql`insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id)
        values (${c.organization_id}, ${c.id}, 'solaredge', ${site})`;
      }
      const status = (site: string) =>
        fetch(`${env.SUPABASE_URL}/functions/v1/solaredge/sites/${site}/status`, {
          headers: { authorization: `Bearer ${token}` },
        });
      const mine = await status(mineSite);
      assert.equal(mine.status, 200);
      const row = await mine.json();
      assert.equal(row.vendor_site_id, mineSite);
      assert.equal(row.state, "needs_reauth");
      assert.equal(
        row.next_action,
        "Enable or replace SolarEdge credential 'mine': it is disabled",
      );
      const theirs = await status(theirSite);
      assert.equal(theirs.status, 403);
      await theirs.body?.cancel();
    } finally {
      await sql`delete from public.organizations where id = any(${[orgId, otherId]}::uuid[])`;
      await sql`delete from auth.users where email = ${email}`;
    }
  },
);

stackTest(
  "an admin's 3-day resync through the gateway lands whole windows and keeps the watermark",
  async (sql) => {
    const apiKey = `resync-${crypto.randomUUID()}`;
    const vendorSiteId = uniqueId();
    await simAccount({
      apiKey,
      sites: [{
        siteId: vendorSiteId,
        name: "Resync roof",
        timeZone: "Europe/Berlin",
        peakPowerKw: 4,
      }],
    });
    const { orgId, credentialId } = await seedCredential(sql, `resync ${apiKey}`, { apiKey });
    const watermark = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const [site] = await sql`
    insert into public.inverter_sites
      (organization_id, credential_id, source, vendor_site_id, timezone, synced_through)
    values (${orgId}, ${credentialId}, 'solaredge', ${String(vendorSiteId)}, 'Europe/Berlin',
      ${watermark})
    returning id`;
    const email = `resync-${crypto.randomUUID()}@example.test`;
    const added = await stackUser(["add", "--email", email, "--org", orgId, "--role", "admin"]);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    try {
      const body = { from: "2026-11-28T00:00:00Z", to: "2026-12-01T00:00:00Z" };
      const ask = () =>
        fetch(`${env.SUPABASE_URL}/functions/v1/solaredge/sites/${vendorSiteId}/resync`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const res = await ask();
      assert.equal(res.status, 202, await res.clone().text());
      const { jobIds, siteId } = await res.json();
      assert.equal(siteId, site.id);
      // One job per 12-hour SolarEdge window, in order, each above the hourly work.
      const jobs = await sql`
        select id, kind, priority, window_from from public.sync_jobs where id = any(${jobIds})
        order by window_from`;
      assert.deepEqual(jobs.map((j) => j.id), jobIds);
      assert.deepEqual(
        jobs.map((j) => j.window_from.toISOString().slice(0, 13)),
        [
          "2026-11-28T00",
          "2026-11-28T12",
          "2026-11-29T00",
          "2026-11-29T12",
          "2026-11-30T00",
          "2026-11-30T12",
        ],
      );
      assert.ok(jobs.every((j) => j.kind === "resync" && j.priority > 0), "above the hourly work");
      // The same resync again while it waits: the same jobs, nothing new.
      const again = await ask();
      assert.deepEqual((await again.json()).jobIds, jobIds);

      const run = await startRun({ trigger: "cron", queue: true });
      assert.equal(run.status, 202);
      await waitForRun(sql, (await run.json()).runId);
      await waitFor("the resync jobs to succeed", async () => {
        const rows = await sql`select status from public.sync_jobs where id = any(${jobIds})`;
        return rows.every((r) => r.status === "succeeded");
      });
      // SolarEdge's 12-hour windows: six objects for three days, each keyed by its window's end.
      const keys = (await listKeys(`raw/solaredge/${orgId}/`)).filter((k) =>
        k.includes(`site_${vendorSiteId}_`)
      );
      const key = (day: string, end: string) =>
        `raw/solaredge/${orgId}/${day}/site_${vendorSiteId}_${end}.json`;
      assert.deepEqual(keys.sort(), [
        key("2026-11-28", "120000"),
        key("2026-11-29", "000000"),
        key("2026-11-29", "120000"),
        key("2026-11-30", "000000"),
        key("2026-11-30", "120000"),
        key("2026-12-01", "000000"),
      ]);
      const [after] =
        await sql`select synced_through from public.inverter_sites where id = ${site.id}`;
      assert.equal(after.synced_through.toISOString(), watermark.toISOString(), "never moved back");
      // Each window's core-daylight completeness (10:00 to 14:00 in Berlin: 09:00 to 13:00 UTC
      // in winter): 12 intervals in the windows ending at 12:00, 4 in those ending at midnight.
      const coverage = await sql`
        select window_end, daylight_expected, daylight_received from public.site_window_coverage
        where site_id = ${site.id} order by window_end`;
      assert.deepEqual(
        coverage.map((w) => [w.window_end.toISOString().slice(0, 13), w.daylight_expected]),
        [
          ["2026-11-28T12", 12],
          ["2026-11-29T00", 4],
          ["2026-11-29T12", 12],
          ["2026-11-30T00", 4],
          ["2026-11-30T12", 12],
          ["2026-12-01T00", 4],
        ],
      );
      assert.ok(
        coverage.every((w) => w.daylight_received === w.daylight_expected),
        JSON.stringify(coverage),
      );
    } finally {
      await sql`delete from public.organizations where id = ${orgId}`;
      await sql`delete from auth.users where email = ${email}`;
    }
  },
);

stackTest(
  "deno task resync works through the gateway with a user's session and with the service key",
  async (sql) => {
    const apiKey = `resync-cli-${crypto.randomUUID()}`;
    const vendorSiteId = uniqueId();
    await simAccount({
      apiKey,
      sites: [{
        siteId: vendorSiteId,
        name: "CLI roof",
        timeZone: "Europe/Berlin",
        peakPowerKw: 4,
      }],
    });
    const { orgId, credentialId } = await seedCredential(sql, `resync cli ${apiKey}`, { apiKey });
    await sql`
    insert into public.inverter_sites
      (organization_id, credential_id, source, vendor_site_id, timezone, synced_through)
    values (${orgId}, ${credentialId}, 'solaredge', ${String(vendorSiteId)}, 'Europe/Berlin',
      date_trunc('hour', now()))`;
    const admin = `cli-admin-${crypto.randomUUID()}@example.test`;
    const member = `cli-member-${crypto.randomUUID()}@example.test`;
    assert.equal(
      (await stackUser(["add", "--email", admin, "--org", orgId, "--role", "admin"])).code,
      0,
    );
    assert.equal((await stackUser(["add", "--email", member, "--org", orgId])).code, 0);
    const resync = (...extra: string[]) =>
      denoRun([`${root}cli/resync.ts`, "solaredge", "--site", String(vendorSiteId), ...extra]);
    try {
      const asAdmin = await resync(
        "--from",
        "2026-11-20T00:00:00Z",
        "--to",
        "2026-11-21T00:00:00Z",
        "--as",
        admin,
      );
      assert.equal(asAdmin.code, 0, asAdmin.stderr);
      assert.match(asAdmin.stderr, /queued as [0-9a-f-]{36}/);
      assert.match(asAdmin.stderr, /resync: 2 jobs: 2 succeeded\n/);
      const day = (d: string, end: string) =>
        `raw/solaredge/${orgId}/${d}/site_${vendorSiteId}_${end}.json`;
      assert.deepEqual(asAdmin.stdout.trim().split("\n"), [
        day("2026-11-20", "120000"),
        day("2026-11-21", "000000"),
      ]);
      const asOperator = await resync(
        "--from",
        "2026-11-22T00:00:00Z",
        "--to",
        "2026-11-22T12:00:00Z",
      );
      assert.equal(asOperator.code, 0, asOperator.stderr);
      assert.deepEqual(asOperator.stdout.trim().split("\n"), [day("2026-11-22", "120000")]);
      const asMember = await resync("--as", member);
      assert.equal(asMember.code, 1);
      assert.match(
        asMember.stderr,
        /only an owner or admin of the site's organisation may, and you are a member/,
      );
    } finally {
      await sql`delete from public.organizations where id = ${orgId}`;
      await sql`delete from auth.users where email = any(${[admin, member]})`;
    }
  },
);
