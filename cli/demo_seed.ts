/**
 * Seeds the demo fleet: the customers' accounts in the simulators, then the credentials the way an
 * operator or a customer creates them. SolarEdge keys and the GoodWe login are stored encrypted
 * directly (what `deno task credentials add` does); the SolarEdge Site Access homeowner, the
 * Enphase and the SMA owners go through the function's OAuth connect flow, approving at the
 * simulated vendor. Re-seeding reuses everything.
 */
import type postgres from "postgres";
import { Keyring } from "../shared/keyring.ts";
import { connectOwner } from "../local/connect_owner.ts";
import { stackEnv, stackPorts } from "../local/stack_env.ts";
import {
  DEMO_ORG,
  enphaseHomeowner,
  goodweAccount,
  smaOwner,
  solarEdgeAccounts,
  solarEdgeHomeowner,
} from "./demo_fleet.ts";

const sim = (vendor: keyof typeof stackPorts) => `http://127.0.0.1:${stackPorts[vendor]}/_sim`;

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`Cannot seed ${url}: HTTP ${res.status}`);
}

export async function seedDemo(sql: postgres.Sql): Promise<string> {
  for (const account of solarEdgeAccounts) await post(`${sim("solaredge")}/accounts`, account);
  await post(`${sim("solaredge")}/oauth/owners`, solarEdgeHomeowner);
  await post(`${sim("enphase")}/users`, enphaseHomeowner);
  await post(`${sim("sma")}/owners`, smaOwner);
  await post(`${sim("goodwe")}/accounts`, goodweAccount);

  const [existing] = await sql<{ id: string }[]>`
    select id from public.organizations where name = ${DEMO_ORG} order by created_at limit 1`;
  const orgId = existing?.id ??
    (await sql<
      { id: string }[]
    >`insert into public.organizations (name) values (${DEMO_ORG}) returning id`)[0].id;
  const keyring = Keyring.parse(stackEnv.ENCRYPTION_KEY);
  const store = async (source: string, label: string, document: unknown) => {
    const secret = await keyring.encrypt(JSON.stringify(document));
    await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, ${source}, ${label}, ${secret})
      on conflict (organization_id, source, label) do update
      set secret = excluded.secret, status = 'active', status_reason = null, updated_at = now()`;
  };
  const [owner, fleet] = solarEdgeAccounts;
  await store("solaredge", "Owner key", { apiKey: owner.apiKey });
  await store("solaredge", "Fleet account", { apiKey: fleet.apiKey, accountKey: fleet.accountKey });
  await store("goodwe", "Installer login", {
    account: goodweAccount.account,
    password: goodweAccount.password,
  });
  await connectOwner("solaredge", orgId, solarEdgeHomeowner.email, "Site Access homeowner");
  await connectOwner("enphase", orgId, enphaseHomeowner.email, "Homeowner");
  await connectOwner("sma", orgId, smaOwner.email, "Plant owner");
  return orgId;
}
