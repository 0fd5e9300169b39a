/**
 * Puts a planned fleet (fleet.ts) into the simulators and the database the way customers and
 * operators would: SolarEdge keys and GoodWe logins stored encrypted (`deno task credentials
 * add`), Enphase and SMA owners connected through the function's OAuth flow. The sites are then
 * stored as already synced up to the hour before, with their zones, so the cycle measured is a
 * steady hourly one (a short window per site), not a first day of history.
 */
import type postgres from "postgres";
import { Keyring } from "../shared/keyring.ts";
import { connectOwner } from "../local/connect_owner.ts";
import { stackEnv, stackPorts } from "../local/stack_env.ts";
import type { FleetPlan, PlannedCredential } from "./fleet.ts";

const PASSWORD = "bench-password";

export const simUrl = (vendor: keyof typeof stackPorts) =>
  `http://127.0.0.1:${stackPorts[vendor]}/_sim`;

async function send(method: string, url: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`Cannot seed the bench fleet: ${method} ${url} answered ${res.status} ${text}`);
  }
}

/** Names of the bench's organisations; a later bench removes any an interrupted one left. */
export const BENCH_ORG_PREFIX = "Bench fleet ";

export async function createBenchOrg(sql: postgres.Sql, name: string): Promise<string> {
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name) values (${BENCH_ORG_PREFIX + name}) returning id`;
  return org.id;
}

/** Seeds the organisation with the plan. */
export async function seedFleet(
  sql: postgres.Sql,
  plan: FleetPlan,
  orgId: string,
  syncedThrough: Date,
): Promise<void> {
  const org = { id: orgId };
  const keyring = Keyring.parse(stackEnv.ENCRYPTION_KEY);
  for (const c of plan.credentials) {
    await addAccount(c);
    if (c.vendor === "solaredge" || c.vendor === "goodwe") {
      const document = c.vendor === "solaredge"
        ? { apiKey: c.login }
        : { account: c.login, password: PASSWORD };
      const secret = await keyring.encrypt(JSON.stringify(document));
      await sql`
        insert into public.inverter_credentials (organization_id, source, label, secret)
        values (${org.id}, ${c.vendor}, ${c.label}, ${secret})`;
    } else {
      await connectOwner(c.vendor, org.id, c.login, c.label);
    }
  }
  const creds = await sql<{ id: string; label: string; source: string }[]>`
    select id, label, source from public.inverter_credentials where organization_id = ${org.id}`;
  const byLabel = new Map(creds.map((c) => [c.label, c]));
  const rows = plan.credentials.flatMap((c) => {
    const cred = byLabel.get(c.label);
    if (!cred) throw new Error(`Cannot seed the bench fleet: credential ${c.label} was not stored`);
    return c.sites.map((s) => ({
      organization_id: org.id,
      credential_id: cred.id,
      source: c.vendor,
      vendor_site_id: s.vendorSiteId,
      name: s.name,
      timezone: s.timeZone,
      synced_through: syncedThrough,
      last_success_at: syncedThrough,
    }));
  });
  for (let i = 0; i < rows.length; i += 1000) {
    // The OAuth connect flow may have listed the sites already: they get the watermark too.
    await sql`
      insert into public.inverter_sites ${sql(rows.slice(i, i + 1000))}
      on conflict (credential_id, vendor_site_id) do update
      set timezone = excluded.timezone, synced_through = excluded.synced_through,
          last_success_at = excluded.last_success_at`;
  }
}

async function addAccount(c: PlannedCredential): Promise<void> {
  switch (c.vendor) {
    case "solaredge":
      return await send("POST", `${simUrl("solaredge")}/accounts`, {
        apiKey: c.login,
        sites: c.sites.map((s) => ({
          siteId: Number(s.vendorSiteId),
          name: s.name,
          timeZone: s.timeZone,
          peakPowerKw: 10,
        })),
      });
    case "enphase":
      return await send("POST", `${simUrl("enphase")}/users`, {
        email: c.login,
        password: PASSWORD,
        systems: c.sites.map((s) => ({
          systemId: Number(s.vendorSiteId),
          name: s.name,
          timeZone: s.timeZone,
          peakPowerKw: 8,
        })),
      });
    case "sma":
      return await send("POST", `${simUrl("sma")}/owners`, {
        email: c.login,
        password: PASSWORD,
        plants: c.sites.map((s) => ({
          plantId: s.vendorSiteId,
          name: s.name,
          timeZone: s.timeZone,
          devices: [{
            deviceId: `${s.vendorSiteId}1`,
            name: "Inverter",
            generatorPowerW: 10_000,
            peakPowerKw: 10,
          }],
        })),
      });
    case "goodwe":
      return await send("POST", `${simUrl("goodwe")}/accounts`, {
        account: c.login,
        password: PASSWORD,
        plants: c.sites.map((s) => ({
          id: s.vendorSiteId,
          name: s.name,
          timeZone: s.timeZone,
          capacityKw: 10,
        })),
      });
  }
}

/** Removes the accounts the simulators can forget (Enphase users and SMA owners cannot be). */
export async function unseedSimulators(plan: FleetPlan): Promise<void> {
  for (const c of plan.credentials) {
    if (c.vendor === "solaredge") {
      await send("DELETE", `${simUrl("solaredge")}/accounts/${encodeURIComponent(c.login)}`);
    }
    if (c.vendor === "goodwe") {
      await send("DELETE", `${simUrl("goodwe")}/accounts/${encodeURIComponent(c.login)}`);
    }
  }
}
