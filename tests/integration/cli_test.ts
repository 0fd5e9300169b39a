/**
 * The operator CLIs as real commands against the local stack: credentials read the secret from
 * stdin and never print it; fetch --dry-run calls the vendor but writes nothing.
 */
import assert from "node:assert/strict";
import { env, listKeys, simAccount, simRequests, stackTest, uniqueId } from "./helpers.ts";

const root = new URL("../../", import.meta.url).pathname;

async function run(args: string[], stdin = "", extraEnv: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}deno.json`, ...args],
    cwd: root,
    env: { ...env, NO_COLOR: "1", ...extraEnv },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A SolarEdge account with one site in the simulator, registered with `credentials add`. */
async function addCredential(tag: string, timeZone: string) {
  const apiKey = `${tag}-key-${crypto.randomUUID()}`;
  const org = `${tag} org ${crypto.randomUUID()}`;
  const siteId = uniqueId();
  await simAccount({ apiKey, sites: [{ siteId, name: `${tag} site`, timeZone, peakPowerKw: 2 }] });
  const add = await run(
    [
      "cli/credentials.ts",
      "add",
      "--org",
      org,
      "--source",
      "solaredge",
      "--label",
      tag,
      "--discover",
    ],
    `${apiKey}\n`,
  );
  assert.equal(add.code, 0, add.stderr);
  return { apiKey, org, siteId, add };
}

stackTest(
  "credentials add stores an encrypted key from stdin, discovers sites, list hides it",
  async (sql) => {
    const { apiKey, org, siteId, add } = await addCredential("cli", "Europe/Vienna");
    assert.match(
      add.stdout,
      new RegExp(`Discovered 1 sites:\\n\\s+${siteId}\\tcli site\\tEurope/Vienna`),
    );
    const [row] = await sql`
    select c.secret, c.status from public.inverter_credentials c
    join public.organizations o on o.id = c.organization_id where o.name = ${org}`;
    assert.match(row.secret, /^gAAAAA/);
    assert.ok(!row.secret.includes(apiKey));
    const list = await run(["cli/credentials.ts", "list", "--source", "solaredge"]);
    assert.equal(list.code, 0);
    assert.ok(list.stdout.includes(org));
    const all = add.stdout + add.stderr + list.stdout + list.stderr;
    assert.ok(!all.includes(apiKey) && !all.includes(row.secret));

    const bad = await run([
      "cli/credentials.ts",
      "add",
      "--org",
      org,
      "--source",
      "solaredge",
      "--label",
      "x",
    ], "");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /standard input is empty/);
  },
);

stackTest(
  "fetch --dry-run calls the vendor, prints what it would write, and writes nothing",
  async (sql) => {
    const { apiKey, org, siteId } = await addCredential("dry", "America/Phoenix");
    const [{ id: orgId }] = await sql`select id from public.organizations where name = ${org}`;
    const runsBefore = (await sql`select count(*)::int as n from public.sync_runs`)[0].n;
    const dry = await run(["cli/fetch.ts", "solaredge", "--dry-run", "--site", String(siteId)]);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /Dry run: nothing was written/);
    assert.match(
      dry.stdout,
      new RegExp(`write s3://${env.METER_DATA_BUCKET}/raw/solaredge/${orgId}/.*site_${siteId}_`),
    );
    assert.ok((await simRequests(apiKey)).count >= 2);
    assert.deepEqual(await listKeys(`raw/solaredge/${orgId}/`), []);
    assert.equal((await sql`select count(*)::int as n from public.sync_runs`)[0].n, runsBefore);
    const [site] = await sql`
    select synced_through, last_attempt_at from public.inverter_sites where organization_id = ${orgId}`;
    assert.deepEqual([site.synced_through, site.last_attempt_at], [null, null]);

    const real = await run([
      "cli/fetch.ts",
      "solaredge",
      "--site",
      String(siteId),
      "--lookback",
      "3",
    ]);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /1\/1 sites synced/);
    // Three hours back reach into the previous of SolarEdge's 12-hour aligned windows when the
    // run is within three hours after 00:00 or 12:00 UTC: one object per window touched.
    const hour = new Date().getUTCHours() % 12;
    const objects = (await listKeys(`raw/solaredge/${orgId}/`)).length;
    assert.ok(hour < 4 ? objects >= 1 && objects <= 2 : objects === 1, `${objects} objects`);
  },
);

stackTest("credentials disable stops a credential from being synced", async (sql) => {
  const { apiKey, siteId, add } = await addCredential("disable", "Europe/Oslo");
  const id = /Stored credential ([0-9a-f-]{36})/.exec(add.stdout)![1];
  const disabled = await run(["cli/credentials.ts", "disable", id]);
  assert.equal(disabled.code, 0, disabled.stderr);
  const [row] =
    await sql`select status, status_reason from public.inverter_credentials where id = ${id}`;
  assert.deepEqual([row.status, row.status_reason], ["disabled", "Disabled by an operator"]);
  const before = (await simRequests(apiKey)).count;
  const fetched = await run(["cli/fetch.ts", "solaredge", "--site", String(siteId)]);
  assert.match(fetched.stdout, /0\/0 sites synced/);
  assert.equal((await simRequests(apiKey)).count, before);
  const bad = await run(["cli/credentials.ts", "disable", "not-a-uuid"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /give the credential id/);
});

stackTest(
  "credentials reencrypt moves every secret to the first key of a rotated keyring",
  async (sql) => {
    const { generateKey } = await import("../../shared/fernet.ts");
    const { Keyring } = await import("../../shared/keyring.ts");
    const { add } = await addCredential("rotate", "Europe/Tallinn");
    const id = /Stored credential ([0-9a-f-]{36})/.exec(add.stdout)![1];
    const newKey = generateKey();
    const rotated = await run(
      ["cli/credentials.ts", "reencrypt", "--source", "solaredge"],
      "",
      { ENCRYPTION_KEY: `${newKey},${env.ENCRYPTION_KEY}` },
    );
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(
      rotated.stdout,
      /Re-encrypted (\d+) of \1 credentials with the first key; 0 already used it; 0 could not/,
    );
    // Run again (as after an interruption): nothing is left to move, and it says so.
    const again = await run(
      ["cli/credentials.ts", "reencrypt", "--source", "solaredge"],
      "",
      { ENCRYPTION_KEY: `${newKey},${env.ENCRYPTION_KEY}` },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /Re-encrypted 0 of (\d+) credentials with the first key; \1 already/,
    );
    assert.match(again.stdout, /the other keys can be dropped/);
    const [row] = await sql`select secret from public.inverter_credentials where id = ${id}`;
    const doc = JSON.parse(await Keyring.parse(newKey).decrypt(row.secret));
    assert.match(doc.apiKey, /^rotate-key-/);
    // Put the old key back first so the rest of the suite reads what it wrote.
    const back = await run(
      ["cli/credentials.ts", "reencrypt", "--source", "solaredge"],
      "",
      { ENCRYPTION_KEY: `${env.ENCRYPTION_KEY},${newKey}` },
    );
    assert.equal(back.code, 0, back.stderr);
    const bad = await run(["cli/credentials.ts", "reencrypt"], "", {
      ENCRYPTION_KEY: generateKey(),
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no key in ENCRYPTION_KEY opens it/);
  },
);

stackTest(
  "credentials sites shows each site's time zone and timezone sets a missing one",
  async (sql) => {
    const apiKey = `zones-key-${crypto.randomUUID()}`;
    const org = `zones org ${crypto.randomUUID()}`;
    const [told, silent] = [uniqueId(), uniqueId()];
    await simAccount({
      apiKey,
      sites: [
        { siteId: told, name: "Told", timeZone: "Europe/Lisbon", peakPowerKw: 2 },
        // GET /sites/{id} shows no zone for this one either: the operator must set it.
        {
          siteId: silent,
          name: "Silent",
          timeZone: "Asia/Tokyo",
          peakPowerKw: 2,
          publishTimeZone: false,
        },
      ],
    });
    const args = ["add", "--org", org, "--source", "solaredge", "--label", "z", "--discover"];
    const add = await run(["cli/credentials.ts", ...args], `${apiKey}\n`);
    assert.equal(add.code, 0, add.stderr);
    const line = (out: string, id: number) => out.split("\n").find((l) => l.includes(`\t${id}\t`));
    const sites = await run(["cli/credentials.ts", "sites", "--source", "solaredge"]);
    assert.equal(sites.code, 0, sites.stderr);
    assert.match(
      line(sites.stdout, told)!,
      new RegExp(`${org}\\tsolaredge\\t${told}\\tTold\\tEurope/Lisbon$`),
    );
    assert.match(line(sites.stdout, silent)!, /\tSilent\tnone: falls back to UTC$/);
    assert.match(
      sites.stdout,
      /sites, \d+ without a time zone \(set one with: deno task credentials timezone/,
    );

    const bad = await run(["cli/credentials.ts", "timezone", String(silent), "Asia/Atlantis"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Cannot set the time zone: "Asia\/Atlantis" is not an IANA time zone/);
    const offset = await run(["cli/credentials.ts", "timezone", String(silent), "+09:00"]);
    assert.equal(offset.code, 2);
    const missing = await run(["cli/credentials.ts", "timezone", "999999999999", "Asia/Tokyo"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no active site 999999999999/);

    const set = await run(["cli/credentials.ts", "timezone", String(silent), "asia/tokyo"]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(
      set.stdout,
      new RegExp(`Set the time zone of solaredge site ${silent} .* to Asia/Tokyo`),
    );
    const [row] = await sql`
      select timezone from public.inverter_sites where vendor_site_id = ${String(silent)}`;
    assert.equal(row.timezone, "Asia/Tokyo");
    const again = await run(["cli/credentials.ts", "sites", "--source", "solaredge"]);
    assert.match(line(again.stdout, silent)!, /\tSilent\tAsia\/Tokyo$/);
    // A later discovery keeps the operator's zone: the vendor still shows none.
    const fetched = await run([
      "cli/fetch.ts",
      "solaredge",
      "--site",
      String(silent),
      "--lookback",
      "1",
    ]);
    assert.equal(fetched.code, 0, fetched.stdout + fetched.stderr);
    const [kept] = await sql`
      select timezone from public.inverter_sites where vendor_site_id = ${String(silent)}`;
    assert.equal(kept.timezone, "Asia/Tokyo");
  },
);

stackTest(
  "status ranks a site that needs re-authorisation above a late one above a fresh one",
  async (sql) => {
    const org = `status org ${crypto.randomUUID()}`;
    const [{ id: orgId }] =
      await sql`insert into public.organizations (name) values (${org}) returning id`;
    const creds = await sql<{ id: string; label: string }[]>`
    insert into public.inverter_credentials (organization_id, source, label, secret, status, status_reason)
    values (${orgId}, 'enphase', 'Acme', 'gAAAAAstatus1', 'needs_reauth', 'refresh token revoked'),
           (${orgId}, 'solaredge', 'Roofs', 'gAAAAAstatus2', 'active', null)
    returning id, label`;
    const id = (label: string) => creds.find((c) => c.label === label)!.id;
    await sql`
    insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id, synced_through)
    values (${orgId}, ${id("Acme")}, 'enphase', 'st-reauth', date_trunc('hour', now())),
           (${orgId}, ${
      id("Roofs")
    }, 'solaredge', 'st-late', date_trunc('hour', now()) - interval '5 hours'),
           (${orgId}, ${id("Roofs")}, 'solaredge', 'st-fresh', date_trunc('hour', now()))`;
    try {
      const out = await run(["cli/status.ts", "--org", org]);
      assert.equal(out.code, 0, out.stderr);
      const lines = out.stdout.trimEnd().split("\n");
      assert.deepEqual(lines.slice(1, 4).map((l) => l.split(/\s{2,}/)[0]), [
        "REAUTH",
        "LATE",
        "fresh",
      ]);
      assert.match(lines[1], /Re-authorise Enphase credential 'Acme': refresh token revoked/);
      assert.equal(lines[4], "3 sites: 1 fresh, 1 late, 0 failing, 1 needing re-authorisation");
      const json = await run(["cli/status.ts", "--org", orgId, "--vendor", "solaredge", "--json"]);
      assert.deepEqual(
        JSON.parse(json.stdout).map((r: { vendor_site_id: string }) => r.vendor_site_id),
        [
          "st-late",
          "st-fresh",
        ],
      );
      const bad = await run(["cli/status.ts", "--vendor", "fronius"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--vendor must be one of solaredge, enphase, sma, goodwe/);
    } finally {
      await sql`delete from public.organizations where id = ${orgId}`;
    }
  },
);
