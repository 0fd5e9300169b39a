/**
 * The demo's fleet: one organisation with two SolarEdge credentials (a site owner's key and a
 * fleet account with X-Account-Key) over five simulated sites in four time zones. Re-seeding is
 * idempotent: the same organisation, credentials and simulator accounts are reused.
 */
import type postgres from "postgres";
import { Keyring } from "../shared/keyring.ts";
import type { SimAccount } from "../local/simulators/solaredge.ts";

export const DEMO_ORG = "Demo Solar Fleet";

export const demoAccounts: SimAccount[] = [
  {
    apiKey: "demo-owner-v2-key-7f3a9c",
    sites: [
      { siteId: 3100001, name: "Hamburg warehouse", timeZone: "Europe/Berlin", peakPowerKw: 48 },
      { siteId: 3100002, name: "Lisbon office", timeZone: "Europe/Lisbon", peakPowerKw: 12.5 },
    ],
  },
  {
    apiKey: "demo-fleet-v2-key-51d2e8",
    accountKey: "demo-fleet-account-key-0c44",
    sites: [
      { siteId: 3200001, name: "Austin depot", timeZone: "America/Chicago", peakPowerKw: 96 },
      { siteId: 3200002, name: "Denver school", timeZone: "America/Denver", peakPowerKw: 30 },
      { siteId: 3200003, name: "Sydney car park", timeZone: "Australia/Sydney", peakPowerKw: 150 },
    ],
  },
];

export async function seedDemo(sql: postgres.Sql, simUrl: string, encryptionKey: string) {
  for (const account of demoAccounts) {
    const res = await fetch(`${simUrl}/_sim/accounts`, {
      method: "POST",
      body: JSON.stringify(account),
    });
    if (!res.ok) throw new Error(`Cannot seed the SolarEdge simulator: HTTP ${res.status}`);
  }
  const keyring = Keyring.parse(encryptionKey);
  const [existing] = await sql<{ id: string }[]>`
    select id from public.organizations where name = ${DEMO_ORG} order by created_at limit 1`;
  const orgId = existing?.id ??
    (await sql<
      { id: string }[]
    >`insert into public.organizations (name) values (${DEMO_ORG}) returning id`)[0].id;
  const labels = ["Owner key", "Fleet account"];
  for (const [i, account] of demoAccounts.entries()) {
    const secret = await keyring.encrypt(
      JSON.stringify({ apiKey: account.apiKey, accountKey: account.accountKey }),
    );
    await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, 'solaredge', ${labels[i]}, ${secret})
      on conflict (organization_id, source, label) do update
      set secret = excluded.secret, status = 'active', status_reason = null, updated_at = now()`;
  }
  return orgId;
}
