/**
 * OAuth token handling on the real stack: connect flow through the gateway, one refresh across
 * racing invocations, revoked grants, a process that dies mid-refresh, and tokens kept out of
 * logs, S3 and responses.
 */
import assert from "node:assert/strict";
import { stackPaths } from "../../local/stack_paths.ts";
import { env, getObject, listKeys, stackTest, waitForRun } from "./helpers.ts";
import {
  connectEnphase,
  editSecret,
  ENPHASE_SIM,
  enphaseUser,
  newOrg,
  readSecret,
  tokenGrants,
} from "./oauth_helpers.ts";

async function runEnphase(body: Record<string, unknown>) {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/enphase/run`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: env.SUPABASE_SERVICE_KEY },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 202, text);
  return { ...JSON.parse(text), text };
}

stackTest(
  "the connect flow stores the owner's tokens encrypted and discovers the systems",
  async (sql) => {
    const email = `connect-${crypto.randomUUID()}@example.com`;
    const systems = await enphaseUser(email);
    const orgId = await newOrg(sql, `Enphase connect ${email}`);
    const connected = await connectEnphase(orgId, email, "Owner");
    assert.deepEqual([...connected.sites].sort(), systems.map(String).sort());
    const [cred] =
      await sql`select status, token_expires_at, secret from public.inverter_credentials where id = ${connected.credentialId}`;
    assert.equal(cred.status, "active");
    assert.ok(cred.token_expires_at > new Date());
    const doc = await readSecret(sql, connected.credentialId);
    assert.ok(!connected.responseText.includes(doc.accessToken));
    // The same callback cannot be replayed: the vendor's code is single-use.
    const replay = await fetch(connected.callbackUrl);
    assert.equal(replay.status, 400);
    assert.match((await replay.json()).error, /Enphase/);
  },
);

stackTest(
  "two invocations racing on an expiring token refresh it exactly once and both sync",
  async (sql) => {
    const email = `race-${crypto.randomUUID()}@example.com`;
    await enphaseUser(email);
    const orgId = await newOrg(sql, `Enphase race ${email}`);
    const { credentialId } = await connectEnphase(orgId, email, "Race");
    const before = await editSecret(sql, credentialId, (d) => ({
      ...d,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }));
    const grantsBefore = (await tokenGrants()).length;
    const [a, b] = await Promise.all([runEnphase({ credentialId }), runEnphase({ credentialId })]);
    const runs = await Promise.all([waitForRun(sql, a.runId), waitForRun(sql, b.runId)]);
    assert.deepEqual(runs.map((r) => r.status), ["succeeded", "succeeded"]);
    const grants = (await tokenGrants()).slice(grantsBefore);
    assert.deepEqual(grants.filter((g) => g === "refresh_token"), ["refresh_token"]);
    const after = await readSecret(sql, credentialId);
    assert.notEqual(after.refreshToken, before.refreshToken);
    assert.ok(Date.parse(after.expiresAt) > Date.now() + 3_600_000);
  },
);

stackTest(
  "a revoked grant sets needs_reauth with the vendor's message; other credentials go on",
  async (sql) => {
    const tag = crypto.randomUUID();
    await enphaseUser(`revoked-${tag}@example.com`, 1);
    await enphaseUser(`kept-${tag}@example.com`, 1);
    const orgId = await newOrg(sql, `Enphase revoke ${tag}`);
    const revoked = await connectEnphase(orgId, `revoked-${tag}@example.com`, "Revoked");
    const kept = await connectEnphase(orgId, `kept-${tag}@example.com`, "Kept");
    const res = await fetch(`${ENPHASE_SIM}/_sim/revoke`, {
      method: "POST",
      body: JSON.stringify({ email: `revoked-${tag}@example.com`, accessTokens: true }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const run = await runEnphase({});
    await waitForRun(sql, run.runId);
    const rows = await sql`
    select id, status, status_reason from public.inverter_credentials
    where id in (${revoked.credentialId}, ${kept.credentialId})`;
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.equal(byId[revoked.credentialId].status, "needs_reauth");
    assert.match(byId[revoked.credentialId].status_reason, /invalid_grant|Invalid refresh token/i);
    assert.equal(byId[kept.credentialId].status, "active");
    const [site] = await sql`
    select s.last_error from public.inverter_sites s where s.credential_id = ${revoked.credentialId}`;
    assert.ok(site.last_error);
    // The kept site's first day of history: one object per aligned UTC day it touched.
    const [days] = await sql`
      select count(*)::int as n from public.sync_run_sites r
      cross join lateral unnest(r.object_keys) k
      where r.run_id = ${run.runId} and r.credential_id = ${kept.credentialId}`;
    assert.ok(days.n === 1 || days.n === 2, `${days.n} objects`);
    assert.equal((await listKeys(`raw/enphase/${orgId}/`)).length, days.n);
    // Nothing calls the vendor for it again until it is re-authorised.
    const grantsBefore = (await tokenGrants()).length;
    await waitForRun(sql, (await runEnphase({ credentialId: revoked.credentialId })).runId);
    assert.equal((await tokenGrants()).length, grantsBefore);
  },
);

stackTest(
  "a process that dies after the vendor rotated the token leaves needs_reauth, not a loop",
  async (sql) => {
    const email = `crash-${crypto.randomUUID()}@example.com`;
    await enphaseUser(email, 1);
    const orgId = await newOrg(sql, `Enphase crash ${email}`);
    const { credentialId } = await connectEnphase(orgId, email, "Crash");
    await editSecret(
      sql,
      credentialId,
      (d) => ({ ...d, expiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
    const grantsBefore = (await tokenGrants()).length;
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        `${stackPaths.root}/deno.json`,
        new URL("./die_mid_refresh.ts", import.meta.url).pathname,
        credentialId,
      ],
      env: { ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(child.code, 3, new TextDecoder().decode(child.stderr));
    assert.equal((await tokenGrants()).length, grantsBefore + 1);
    // The vendor rotated the refresh token, but the old one is still what the database holds.
    await waitForRun(sql, (await runEnphase({ credentialId })).runId);
    const [cred] =
      await sql`select status, status_reason from public.inverter_credentials where id = ${credentialId}`;
    assert.equal(cred.status, "needs_reauth");
    const afterSecond = (await tokenGrants()).length;
    assert.equal(afterSecond, grantsBefore + 2);
    await waitForRun(sql, (await runEnphase({ credentialId })).runId);
    assert.equal((await tokenGrants()).length, afterSecond);
  },
);

stackTest("tokens never appear in logs, S3 objects or responses", async (sql) => {
  const email = `secret-${crypto.randomUUID()}@example.com`;
  await enphaseUser(email, 1);
  const orgId = await newOrg(sql, `Enphase secrets ${email}`);
  const connected = await connectEnphase(orgId, email, "Secrets");
  await editSecret(
    sql,
    connected.credentialId,
    (d) => ({ ...d, expiresAt: new Date(Date.now() - 1000).toISOString() }),
  );
  const old = await readSecret(sql, connected.credentialId);
  const run = await runEnphase({ credentialId: connected.credentialId });
  await waitForRun(sql, run.runId);
  const fresh = await readSecret(sql, connected.credentialId);
  const objects = await Promise.all((await listKeys(`raw/enphase/${orgId}/`)).map(getObject));
  // A first day of history: one object per aligned UTC day it touched.
  assert.ok(objects.length === 1 || objects.length === 2, `${objects.length} objects`);
  const logs = await Deno.readTextFile(`${stackPaths.logs}/services.log`);
  const rows =
    await sql`select row_to_json(r)::text as t from public.sync_run_sites r where organization_id = ${orgId}`;
  const haystack = [connected.responseText, run.text, ...objects, logs, ...rows.map((r) => r.t)]
    .join("\n");
  for (
    const token of [
      old.accessToken,
      old.refreshToken,
      fresh.accessToken,
      fresh.refreshToken,
      env.ENPHASE_API_KEY,
      env.ENPHASE_CLIENT_SECRET,
    ]
  ) {
    assert.ok(!haystack.includes(token), "a token leaked");
  }
  assert.ok(objects[0].includes("[redacted]"), "the recorded request URL has its key redacted");
});
