/**
 * SMA on the real stack (gateway, function, Postgres, moto S3, the SMA simulator over HTTP): a
 * cycle stores power_w from PowerAc next to energy_wh in the S3 envelope; the e-mail
 * (backchannel) consent answered "Accepted", as SMA spells it, activates the credential and
 * syncs, while "Rejected" does not; a day set whose times cannot be read fails the window and
 * leaves the watermark where it was.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { stackPorts } from "../../local/stack_env.ts";
import { env, getObject, listKeys, stackTest, uniqueId, waitForRun } from "./helpers.ts";
import { connectOwner, newOrg } from "./oauth_helpers.ts";

const SMA = `http://127.0.0.1:${stackPorts.sma}`;
const service = { apikey: env.SUPABASE_SERVICE_KEY };

async function simPost(path: string, body: unknown) {
  const res = await fetch(`${SMA}/_sim${path}`, { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
}

/** An owner with one plant of two inverters that report zeros at night, so every hour has data. */
async function smaOwner(label: string) {
  const email = `${label}-${crypto.randomUUID()}@example.com`;
  const plantId = String(uniqueId());
  const devices = [String(uniqueId()), String(uniqueId())];
  await simPost("/owners", {
    email,
    password: "pw",
    plants: [{
      plantId,
      name: `${label} plant`,
      timeZone: "Europe/Berlin",
      nightZeros: true,
      devices: devices.map((deviceId, i) => ({
        deviceId,
        name: `Roof ${i}`,
        generatorPowerW: 8000,
        peakPowerKw: 9,
      })),
    }],
  });
  return { email, plantId, devices };
}

/** The owner connects by the browser flow, approving at the simulated SMA login. */
async function connectSma(orgId: string, email: string): Promise<string> {
  return (await connectOwner("sma", orgId, email, "Owner")).credentialId;
}

async function runSma(credentialId: string): Promise<string> {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/sma/run`, {
    method: "POST",
    headers: { "content-type": "application/json", ...service },
    body: JSON.stringify({ credentialId, lookbackHours: 2 }),
  });
  const text = await res.text();
  assert.equal(res.status, 202, text);
  return JSON.parse(text).runId;
}

/** The readings of every envelope the organisation has in S3. */
async function envelopeReadings(orgId: string) {
  const keys = await listKeys(`raw/sma/${orgId}/`);
  assert.ok(keys.length > 0, "no SMA envelope in S3");
  const envelopes = await Promise.all(keys.map(async (k) => JSON.parse(await getObject(k))));
  return envelopes.flatMap((e) => e.readings) as { metric: string; device?: string }[];
}

/** Plays the owner's answer through the sandbox switch, with the app's client token. */
async function ownerAnswers(email: string, state: string) {
  const token = await fetch(`${SMA}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: env.SMA_CLIENT_ID,
      client_secret: env.SMA_CLIENT_SECRET,
    }),
  }).then((r) => r.json());
  const res = await fetch(`${SMA}/oauth2/v2/bc-authorize/${encodeURIComponent(email)}/status`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
    body: JSON.stringify({ state }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function askConsent(orgId: string, email: string): Promise<string> {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/sma/oauth/backchannel`, {
    method: "POST",
    headers: { "content-type": "application/json", ...service },
    body: JSON.stringify({ organizationId: orgId, email }),
  });
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  assert.equal(body.state, "pending");
  return body.credentialId;
}

async function pollConsent(credentialId: string) {
  const res = await fetch(
    `${env.SUPABASE_URL}/functions/v1/sma/oauth/backchannel/${credentialId}`,
    { headers: service },
  );
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

async function credentialStatus(sql: postgres.Sql, id: string) {
  const [row] =
    await sql`select status, status_reason from public.inverter_credentials where id = ${id}`;
  return row as { status: string; status_reason: string | null };
}

stackTest(
  "an SMA cycle stores power_w from PowerAc and energy_wh in the S3 envelope",
  async (sql) => {
    const { email, devices } = await smaOwner("power");
    const orgId = await newOrg(sql, `SMA power ${email}`);
    const credentialId = await connectSma(orgId, email);
    const run = await waitForRun(sql, await runSma(credentialId));
    assert.equal(run.status, "succeeded", run.error ?? "");
    const readings = await envelopeReadings(orgId);
    for (const device of devices) {
      const mine = readings.filter((r) => r.device === device);
      assert.ok(mine.some((r) => r.metric === "power_w"), `no power_w for ${device}`);
      assert.ok(mine.some((r) => r.metric === "energy_wh"), `no energy_wh for ${device}`);
    }
    const [site] = await sql`
    select s.synced_through from public.inverter_sites s
    join public.sync_run_sites r on r.site_id = s.id and r.run_id = ${run.id}
    where s.credential_id = ${credentialId}`;
    assert.ok(site.synced_through);
  },
);

stackTest(
  "SMA consent by e-mail answered Accepted activates the credential, which then syncs",
  async (sql) => {
    const { email, plantId, devices } = await smaOwner("consent");
    const orgId = await newOrg(sql, `SMA consent ${email}`);
    const credentialId = await askConsent(orgId, email);
    assert.equal((await credentialStatus(sql, credentialId)).status, "pending");
    assert.equal((await pollConsent(credentialId)).state, "pending");

    await ownerAnswers(email, "Accepted");
    const done = await pollConsent(credentialId);
    assert.equal(done.state, "accepted");
    assert.ok(done.sites.includes(plantId), JSON.stringify(done.sites));
    assert.equal((await credentialStatus(sql, credentialId)).status, "active");

    const run = await waitForRun(sql, await runSma(credentialId));
    assert.equal(run.status, "succeeded", run.error ?? "");
    const readings = await envelopeReadings(orgId);
    assert.ok(readings.some((r) => r.device === devices[0] && r.metric === "power_w"));
  },
);

stackTest(
  "SMA consent answered Rejected leaves the credential unusable until asked again",
  async (sql) => {
    const { email } = await smaOwner("rejected");
    const orgId = await newOrg(sql, `SMA rejected ${email}`);
    const credentialId = await askConsent(orgId, email);
    await ownerAnswers(email, "Rejected");
    const answer = await pollConsent(credentialId);
    assert.equal(answer.state, "rejected");
    assert.equal(answer.sites, undefined);
    const cred = await credentialStatus(sql, credentialId);
    assert.equal(cred.status, "needs_reauth");
    assert.match(cred.status_reason ?? "", /rejected the consent request/);
    const [{ n }] =
      await sql`select count(*)::int as n from public.inverter_sites where credential_id = ${credentialId}`;
    assert.equal(n, 0);
    // Asking again e-mails the owner anew: the same credential waits, and Accepted activates it.
    assert.equal(await askConsent(orgId, email), credentialId);
    assert.equal((await credentialStatus(sql, credentialId)).status, "pending");
    await ownerAnswers(email, "Accepted");
    assert.equal((await pollConsent(credentialId)).state, "accepted");
    assert.equal((await credentialStatus(sql, credentialId)).status, "active");
  },
);

stackTest(
  "an SMA day set whose times cannot be read fails the window and keeps the watermark",
  async (sql) => {
    const { email, devices } = await smaOwner("unreadable");
    const orgId = await newOrg(sql, `SMA unreadable ${email}`);
    const credentialId = await connectSma(orgId, email);
    // Every day set of both inverters, for as many days as the window touches.
    for (const device of devices) {
      await simPost("/faults", {
        kind: "unreadable_time",
        count: 20,
        path: `/devices/${device}/`,
      });
    }
    const run = await waitForRun(sql, await runSma(credentialId));
    const results = await sql`
      select r.status, r.error, s.synced_through from public.sync_run_sites r
      join public.inverter_sites s on s.id = r.site_id where r.run_id = ${run.id}`;
    assert.equal(results.length, 1);
    assert.equal(results[0].status, "failed");
    assert.match(
      results[0].error,
      /set\[\]\.time \(\d+ unreadable, e\.g\. "\d\d\.\d\d\.\d{4} \d\d:\d\d"\)/,
    );
    assert.equal(results[0].synced_through, null);
    assert.deepEqual(await listKeys(`raw/sma/${orgId}/`), []);
  },
);
