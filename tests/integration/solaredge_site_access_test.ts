/**
 * SolarEdge Site Access on the real stack: a homeowner connects through the function's own connect
 * flow over the gateway, runs sync the granted site with a bearer token, and once SolarEdge's clock
 * passes the access token's 7,200 s the next run renews it: the rotated refresh token is stored,
 * the old one is dead at SolarEdge, the data still lands, and no token shows anywhere.
 */
import assert from "node:assert/strict";
import { stackPaths } from "../../local/stack_paths.ts";
import {
  env,
  getObject,
  listKeys,
  SIM,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";
import { connectOwner, newOrg, readSecret } from "./oauth_helpers.ts";

async function simPost(path: string, body: unknown): Promise<Response> {
  const res = await fetch(`${SIM}${path}`, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`Cannot POST ${path}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

async function oauthLog(siteId: number): Promise<{ grants: string[]; bearer: string[] }> {
  const res = await fetch(`${SIM}/_sim/oauth/requests?siteId=${siteId}`);
  const body = await res.json();
  return { grants: body.token.grants, bearer: body.bearer };
}

async function run(sql: Parameters<Parameters<typeof stackTest>[1]>[0], credentialId: string) {
  const res = await startRun({ credentialId });
  const text = await res.text();
  assert.equal(res.status, 202, text);
  const { runId } = JSON.parse(text);
  const finished = await waitForRun(sql, runId);
  const sites = await sql`
    select status, readings, error, row_to_json(r)::text as row
    from public.sync_run_sites r where run_id = ${runId}`;
  return { finished, sites, text };
}

stackTest(
  "a homeowner connected through SolarEdge Site Access whose refresh token rotates",
  async (sql) => {
    const siteId = uniqueId();
    const email = `se-home-${crypto.randomUUID()}@example.com`;
    await (await simPost("/_sim/oauth/owners", {
      email,
      sites: [{ siteId, name: "Porto home", timeZone: "Europe/Lisbon", peakPowerKw: 4.2 }],
    })).body?.cancel();
    const orgId = await newOrg(sql, `SolarEdge Site Access ${email}`);
    const connected = await connectOwner("solaredge", orgId, email, "Homeowner");
    assert.deepEqual(connected.sites, [String(siteId)]);
    const { credentialId } = connected;
    const [site] = await sql`
      select name, timezone from public.inverter_sites where credential_id = ${credentialId}`;
    assert.deepEqual({ ...site }, { name: "Porto home", timezone: "Europe/Lisbon" });
    const first = await readSecret(sql, credentialId);
    assert.equal(first.kind, "oauth");
    assert.equal(first.siteId, String(siteId));
    const grantsAtConnect = (await oauthLog(siteId)).grants.length;

    const one = await run(sql, credentialId);
    assert.equal(one.finished.status, "succeeded", one.sites.map((s) => s.error).join());
    assert.deepEqual(one.sites.map((s) => s.status), ["succeeded"]);
    const noRenewal = (await oauthLog(siteId)).grants.slice(grantsAtConnect);
    assert.ok(!noRenewal.includes("refresh_token"), "a fresh token was renewed");

    // SolarEdge's clock passes the access token's 7,200 s; the stored expiry, on this machine's
    // clock, has not, so the function learns it from the 401 and renews then.
    const res = await simPost("/_sim/oauth/clock", { advanceSeconds: 7_260 });
    await res.body?.cancel();
    const two = await run(sql, credentialId);
    assert.equal(two.finished.status, "succeeded", two.sites.map((s) => s.error).join());
    assert.deepEqual(two.sites.map((s) => s.status), ["succeeded"]);
    const log = await oauthLog(siteId);
    assert.deepEqual(log.grants.slice(grantsAtConnect).filter((g) => g === "refresh_token"), [
      "refresh_token",
    ]);
    const second = await readSecret(sql, credentialId);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(second.siteId, first.siteId);
    const [cred] = await sql`
      select status, token_expires_at from public.inverter_credentials where id = ${credentialId}`;
    assert.equal(cred.status, "active");
    assert.equal(cred.token_expires_at.toISOString(), second.expiresAt);

    // The refresh token it replaced no longer works at SolarEdge.
    const old = await fetch(`${SIM}/v2/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: first.refreshToken,
        client_id: env.SOLAREDGE_CLIENT_ID,
        client_secret: env.SOLAREDGE_CLIENT_SECRET,
      }),
    });
    assert.equal(old.status, 400);
    assert.equal((await old.json()).error, "invalid_grant");

    // The data landed, read with the bearer from the granted site only, never from /sites.
    const readings = [...one.sites, ...two.sites].reduce((n, s) => n + s.readings, 0);
    assert.ok(readings > 0, "no readings synced");
    assert.ok(log.bearer.length > 0);
    assert.ok(log.bearer.every((p) => p.startsWith(`/v2/sites/${siteId}`)), log.bearer.join());
    const keys = await listKeys(`raw/solaredge/${orgId}/`);
    assert.ok(keys.length >= 1);
    const objects = await Promise.all(keys.map(getObject));

    const logs = await Deno.readTextFile(`${stackPaths.logs}/services.log`);
    const rows = [...one.sites, ...two.sites].map((s) => s.row);
    const haystack = [connected.responseText, one.text, two.text, ...objects, logs, ...rows]
      .join("\n");
    for (
      const token of [
        first.accessToken,
        first.refreshToken,
        second.accessToken,
        second.refreshToken,
        env.SOLAREDGE_CLIENT_SECRET,
      ]
    ) {
      assert.ok(!haystack.includes(token), "a token leaked");
    }
  },
);

stackTest(
  "a homeowner who withdraws SolarEdge Site Access leaves needs_reauth with SolarEdge's words",
  async (sql) => {
    const siteId = uniqueId();
    const email = `se-revoked-${crypto.randomUUID()}@example.com`;
    await (await simPost("/_sim/oauth/owners", {
      email,
      sites: [{ siteId, name: "Faro flat", timeZone: "Europe/Lisbon", peakPowerKw: 3 }],
    })).body?.cancel();
    const orgId = await newOrg(sql, `SolarEdge Site Access revoked ${email}`);
    const { credentialId } = await connectOwner("solaredge", orgId, email, "Withdrawn");
    await (await simPost("/_sim/oauth/revoke", { siteId })).body?.cancel();

    const first = await run(sql, credentialId);
    assert.deepEqual(first.sites.map((s) => s.status), ["failed"]);
    const [cred] = await sql`
      select status, status_reason from public.inverter_credentials where id = ${credentialId}`;
    assert.equal(cred.status, "needs_reauth");
    assert.match(cred.status_reason, /invalid_grant: The refresh token is invalid or was revoked/);
    assert.match(cred.status_reason, /connect the site again/);
    // Nothing calls SolarEdge for it again until the homeowner connects again.
    const before = (await oauthLog(siteId)).grants.length;
    await run(sql, credentialId);
    assert.equal((await oauthLog(siteId)).grants.length, before);
  },
);
