/**
 * GoodWe on the real stack: the session token is stored encrypted and reused, an expired session
 * logs in again once mid-run, a wrong password disables only that credential, and GY0429 pauses
 * the credential for this run instead of failing site after site.
 */
import assert from "node:assert/strict";
import { stackPorts } from "../../local/stack_env.ts";
import { env, getObject, listKeys, stackTest, waitForRun } from "./helpers.ts";
import { newOrg, readSecret } from "./oauth_helpers.ts";
import { Keyring } from "../../shared/keyring.ts";
import type postgres from "postgres";

const SIM = `http://127.0.0.1:${stackPorts.goodwe}/_sim`;

async function admin(path: string, body?: unknown) {
  const res = await fetch(
    `${SIM}${path}`,
    body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
  );
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function goodweLogin(sql: postgres.Sql, label: string, password = "right-password") {
  const account = `${label}-${crypto.randomUUID()}@example.com`;
  await admin("/accounts", {
    account,
    password: "right-password",
    plants: [
      { id: crypto.randomUUID(), name: "Plant A", timeZone: "Europe/Amsterdam", capacityKw: 10 },
      { id: crypto.randomUUID(), name: "Plant B", timeZone: "Europe/Amsterdam", capacityKw: 6 },
    ],
  });
  const orgId = await newOrg(sql, `GoodWe ${account}`);
  const secret = await Keyring.parse(env.ENCRYPTION_KEY).encrypt(
    JSON.stringify({ account, password }),
  );
  const [cred] = await sql`
    insert into public.inverter_credentials (organization_id, source, label, secret)
    values (${orgId}, 'goodwe', ${label}, ${secret}) returning id`;
  return { account, orgId, credentialId: cred.id as string };
}

async function runGoodWe(credentialId: string) {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/goodwe/run`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: env.SUPABASE_SERVICE_KEY },
    body: JSON.stringify({ credentialId }),
  });
  assert.equal(res.status, 202);
  return (await res.json()).runId as string;
}

stackTest(
  "a GoodWe session is stored encrypted, reused, and renewed once when it expires mid-run",
  async (sql) => {
    const { account, orgId, credentialId } = await goodweLogin(sql, "session");
    const first = await waitForRun(sql, await runGoodWe(credentialId));
    assert.equal(first.status, "succeeded");
    const doc = await readSecret(sql, credentialId);
    assert.ok(doc.session?.token && doc.session.api);
    const [row] =
      await sql`select secret from public.inverter_credentials where id = ${credentialId}`;
    assert.ok(!row.secret.includes(doc.session.token));
    assert.equal((await admin(`/requests?account=${encodeURIComponent(account)}`)).logins, 1);

    await waitForRun(sql, await runGoodWe(credentialId));
    assert.equal(
      (await admin(`/requests?account=${encodeURIComponent(account)}`)).logins,
      1,
      "the session was reused",
    );

    await admin("/expire", { account });
    const third = await waitForRun(sql, await runGoodWe(credentialId));
    assert.equal(third.status, "succeeded");
    assert.equal((await admin(`/requests?account=${encodeURIComponent(account)}`)).logins, 2);
    assert.notEqual((await readSecret(sql, credentialId)).session.token, doc.session.token);
    assert.ok((await listKeys(`raw/goodwe/${orgId}/`)).length >= 2);
  },
);

stackTest(
  "a wrong GoodWe password sets needs_reauth with GoodWe's message and is not retried",
  async (sql) => {
    const { account, credentialId } = await goodweLogin(sql, "wrong", "not-the-password");
    await waitForRun(sql, await runGoodWe(credentialId));
    const [cred] =
      await sql`select status, status_reason from public.inverter_credentials where id = ${credentialId}`;
    assert.equal(cred.status, "needs_reauth");
    assert.match(cred.status_reason, /Email or password error/);
    assert.ok(!cred.status_reason.includes("not-the-password"));
    const logins = (await admin(`/requests?account=${encodeURIComponent(account)}`)).logins;
    await waitForRun(sql, await runGoodWe(credentialId));
    assert.equal((await admin(`/requests?account=${encodeURIComponent(account)}`)).logins, logins);
  },
);

stackTest(
  "GY0429 pauses the credential for this run without failing it or looping",
  async (sql) => {
    const { account, credentialId } = await goodweLogin(sql, "limited");
    await waitForRun(sql, await runGoodWe(credentialId));
    const before = (await admin(`/requests?account=${encodeURIComponent(account)}`)).count;
    await admin("/faults", { kind: "GY0429", count: 50, account });
    const runId = await runGoodWe(credentialId);
    await waitForRun(sql, runId);
    const results =
      await sql`select status, error from public.sync_run_sites where run_id = ${runId} order by id`;
    assert.equal(results.length, 2);
    assert.ok(
      results.some((r) => r.status === "deferred" && /GY0429|Too many/i.test(r.error)),
      JSON.stringify(results),
    );
    const [cred] =
      await sql`select status from public.inverter_credentials where id = ${credentialId}`;
    assert.equal(cred.status, "active");
    const calls = (await admin(`/requests?account=${encodeURIComponent(account)}`)).count - before;
    assert.ok(calls <= 3, `${calls} calls after GY0429`);
    await fetch(`${SIM}/faults`, { method: "DELETE" }).then((r) => r.body?.cancel());
  },
);

stackTest(
  "the GoodWe 100004 refusal reaches the credential and its sites with the new-password advice",
  async (sql) => {
    const account = `refused-${crypto.randomUUID()}@example.com`;
    const plants = [
      { id: crypto.randomUUID(), name: "Plant R", timeZone: "Europe/Amsterdam", capacityKw: 7 },
    ];
    await admin("/accounts", { account, password: "right-password", plants });
    const orgId = await newOrg(sql, `GoodWe ${account}`);
    const secret = await Keyring.parse(env.ENCRYPTION_KEY).encrypt(
      JSON.stringify({ account, password: "right-password" }),
    );
    const [cred] = await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, 'goodwe', 'refused', ${secret}) returning id`;
    const first = await waitForRun(sql, await runGoodWe(cred.id));
    assert.equal(first.status, "succeeded");
    // September 2026: SEMS+ starts answering 100004 for the account, and its session runs out.
    await admin("/accounts", {
      account,
      password: "right-password",
      plants,
      semsPlusLogin: "parameter-error",
    });
    await admin("/expire", { account });
    await waitForRun(sql, await runGoodWe(cred.id));
    const [row] =
      await sql`select status, status_reason from public.inverter_credentials where id = ${cred.id}`;
    assert.equal(row.status, "needs_reauth");
    assert.match(row.status_reason, /100004, "parameter error"/);
    assert.match(row.status_reason, /log in to SEMS\+ \(semsplus\.goodwe\.com\) in a browser/);
    assert.ok(!row.status_reason.includes("right-password"));
    const sites =
      await sql`select last_error from public.inverter_sites where credential_id = ${cred.id}`;
    assert.equal(sites.length, 1);
    assert.match(sites[0].last_error, /set a new password, then update the credential/);
    // One login per run (the host that served the session), then none: needs_reauth stops them.
    const logins = (await admin(`/requests?account=${encodeURIComponent(account)}`)).logins;
    assert.equal(logins, 2);
    await waitForRun(sql, await runGoodWe(cred.id));
    assert.equal((await admin(`/requests?account=${encodeURIComponent(account)}`)).logins, logins);
  },
);

stackTest(
  "an EU account is found on eu-semsplus once; its renewals go straight there",
  async (sql) => {
    const account = `eu-${crypto.randomUUID()}@example.com`;
    await admin("/accounts", {
      account,
      password: "right-password",
      loginHost: "eu",
      timeStyle: "spaced",
      dateFormat: "dd.MM.yyyy",
      plants: [
        { id: crypto.randomUUID(), name: "Plant E", timeZone: "Europe/Berlin", capacityKw: 5 },
      ],
    });
    const orgId = await newOrg(sql, `GoodWe ${account}`);
    const secret = await Keyring.parse(env.ENCRYPTION_KEY).encrypt(
      JSON.stringify({ account, password: "right-password" }),
    );
    const [cred] = await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, 'goodwe', 'eu', ${secret}) returning id`;
    const first = await waitForRun(sql, await runGoodWe(cred.id));
    assert.equal(first.status, "succeeded");
    assert.equal((await readSecret(sql, cred.id)).session.loginRegion, "eu");
    await admin("/expire", { account });
    assert.equal((await waitForRun(sql, await runGoodWe(cred.id))).status, "succeeded");
    const paths = (await admin(`/requests?account=${encodeURIComponent(account)}`))
      .paths as string[];
    assert.deepEqual(paths.filter((p) => p.includes("login")), [
      "/web/sems/sems-user/api/v1/auth/cross-login",
      "/eu-semsplus/web/sems/sems-user/api/v1/auth/cross-login",
      "/eu-semsplus/web/sems/sems-user/api/v1/auth/cross-login",
    ]);
  },
);

stackTest(
  "a 3-day resync of a one-day GoodWe plant is three jobs whose objects land at their days' keys",
  async (sql) => {
    const { orgId, credentialId } = await goodweLogin(sql, "resync");
    // A first run lists the two plants and syncs them up to now.
    assert.equal((await waitForRun(sql, await runGoodWe(credentialId))).status, "succeeded");
    const [site] = await sql`
      select id, vendor_site_id, synced_through from public.inverter_sites
      where credential_id = ${credentialId} order by vendor_site_id limit 1`;
    const resync = await fetch(
      `${env.SUPABASE_URL}/functions/v1/goodwe/sites/${site.vendor_site_id}/resync`,
      {
        method: "POST",
        headers: { apikey: env.SUPABASE_SERVICE_KEY, "content-type": "application/json" },
        // GoodWe lists no zone (its calls carry an offset), so the site's days are UTC days.
        body: JSON.stringify({ from: "2026-11-28T00:00:00Z", to: "2026-12-01T00:00:00Z" }),
      },
    );
    assert.equal(resync.status, 202, await resync.clone().text());
    const { jobIds } = await resync.json();
    assert.equal(jobIds.length, 3, "one job per day");
    const run = await fetch(`${env.SUPABASE_URL}/functions/v1/goodwe/run`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: env.SUPABASE_SERVICE_KEY },
      body: JSON.stringify({ queue: true }),
    });
    assert.equal(run.status, 202);
    await waitForRun(sql, (await run.json()).runId);
    const jobs = await sql`select status from public.sync_jobs where id = any(${jobIds})`;
    assert.deepEqual(jobs.map((j) => j.status), ["succeeded", "succeeded", "succeeded"]);
    const keys = (await listKeys(`raw/goodwe/${orgId}/`)).filter((k) =>
      k.includes(`site_${site.vendor_site_id}_`) && k < `raw/goodwe/${orgId}/2026-12-02`
    );
    assert.deepEqual(keys.sort(), [
      `raw/goodwe/${orgId}/2026-11-29/site_${site.vendor_site_id}_000000.json`,
      `raw/goodwe/${orgId}/2026-11-30/site_${site.vendor_site_id}_000000.json`,
      `raw/goodwe/${orgId}/2026-12-01/site_${site.vendor_site_id}_000000.json`,
    ]);
    const [after] =
      await sql`select synced_through from public.inverter_sites where id = ${site.id}`;
    assert.equal(after.synced_through.getTime(), site.synced_through.getTime(), "never moved back");
  },
);

stackTest(
  "hostile plant ids land inside their prefix, one valid key each, never sharing one",
  async (sql) => {
    const account = `hostile-${crypto.randomUUID()}@example.com`;
    const ids = ["../../etc/passwd", "a/b", "a_b", ".", "..", "ü日本🌞", "x".repeat(10_240)];
    await admin("/accounts", {
      account,
      password: "right-password",
      hostilePlantIds: true,
      plants: ids.map((id, i) => ({ id, name: `Plant ${i}`, timeZone: "UTC", capacityKw: 5 })),
    });
    const orgId = await newOrg(sql, `GoodWe ${account}`);
    const secret = await Keyring.parse(env.ENCRYPTION_KEY).encrypt(
      JSON.stringify({ account, password: "right-password" }),
    );
    const [cred] = await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, 'goodwe', 'hostile ids', ${secret}) returning id`;
    const run = await waitForRun(sql, await runGoodWe(cred.id));
    assert.equal(run.status, "succeeded", run.error ?? "");
    const sites = await sql`
      select vendor_site_id, last_object_key from public.inverter_sites
      where credential_id = ${cred.id}`;
    assert.deepEqual(sites.map((s) => s.vendor_site_id).sort(), [...ids].sort());
    const prefix = `raw/goodwe/${orgId}/`;
    const keys = await listKeys(prefix);
    const lastKeys = sites.map((s) => s.last_object_key as string);
    assert.equal(new Set(lastKeys).size, ids.length, "no two ids share a key");
    for (const key of keys) {
      assert.ok(key.startsWith(prefix), key);
      assert.ok(new TextEncoder().encode(key).length <= 1024, `${key.length} characters`);
      assert.ok(!key.slice(prefix.length).split("/").some((p) => p === ".." || p === "."), key);
    }
    // Each object names its own plant.
    for (const s of sites) {
      const envelope = JSON.parse(await getObject(s.last_object_key));
      assert.equal(envelope.site.vendor_site_id, s.vendor_site_id);
    }
  },
);
