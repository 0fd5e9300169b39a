/**
 * OAuth set-up on the local stack: an Enphase homeowner in the simulator, connected through the
 * function's own connect flow over the gateway, exactly as a customer would be.
 */
import type postgres from "postgres";
import { Keyring } from "../../shared/keyring.ts";
import { stackPorts } from "../../local/stack_env.ts";
import { env, uniqueId } from "./helpers.ts";
import { connectOwner } from "../../local/connect_owner.ts";

export { connectOwner };

export const ENPHASE_SIM = `http://127.0.0.1:${stackPorts.enphase}`;

export async function enphaseUser(email: string, systems = 2): Promise<number[]> {
  const ids = Array.from({ length: systems }, () => uniqueId());
  const res = await fetch(`${ENPHASE_SIM}/_sim/users`, {
    method: "POST",
    body: JSON.stringify({
      email,
      password: "pw",
      systems: ids.map((systemId, i) => ({
        systemId,
        name: `System ${i}`,
        timeZone: i % 2 ? "America/Los_Angeles" : "Europe/Zurich",
        peakPowerKw: 6,
      })),
    }),
  });
  if (!res.ok) throw new Error(`Cannot add Enphase user: HTTP ${res.status}`);
  return ids;
}

/** Start -> the owner approves at the vendor -> callback; returns the callback's JSON. */
export async function connectEnphase(orgId: string, email: string, label: string) {
  return await connectOwner("enphase", orgId, email, label);
}

export async function tokenGrants(): Promise<string[]> {
  const res = await fetch(`${ENPHASE_SIM}/_sim/requests`);
  return (await res.json()).token.grants;
}

export async function newOrg(sql: postgres.Sql, name: string): Promise<string> {
  const [org] = await sql`insert into public.organizations (name) values (${name}) returning id`;
  return org.id;
}

/** Reads and rewrites a credential's encrypted document, as only the service role can. */
export async function editSecret(
  sql: postgres.Sql,
  credentialId: string,
  edit: (doc: Record<string, string>) => Record<string, string>,
): Promise<Record<string, string>> {
  const keyring = Keyring.parse(env.ENCRYPTION_KEY);
  const [row] =
    await sql`select secret from public.inverter_credentials where id = ${credentialId}`;
  const doc = edit(JSON.parse(await keyring.decrypt(row.secret)));
  await sql`update public.inverter_credentials set secret = ${await keyring.encrypt(
    JSON.stringify(doc),
  )}
            where id = ${credentialId}`;
  return doc;
}

export async function readSecret(sql: postgres.Sql, credentialId: string) {
  const [row] =
    await sql`select secret from public.inverter_credentials where id = ${credentialId}`;
  return JSON.parse(await Keyring.parse(env.ENCRYPTION_KEY).decrypt(row.secret));
}
