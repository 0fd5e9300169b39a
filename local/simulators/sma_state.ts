/**
 * What the SMA simulator's hosts share: clients, owners, tokens and consents, and who may see
 * which plant. A code-flow token sees its owner's plants; a client token sees the plants of every
 * owner who accepted that client's backchannel request (vendors.md §3.2).
 */
import type { SmaSimClient, SmaSimDevice, SmaSimOwner, SmaSimPlant } from "./sma.ts";
import type { ConsentStore } from "./sma_consents.ts";
import type { AccessGrant, TokenStore } from "./sma_tokens.ts";

export interface SmaState {
  now: () => number;
  clients: Map<string, Required<SmaSimClient>>;
  owners: Map<string, SmaSimOwner>;
  tokens: TokenStore;
  consents: ConsentStore;
  /** The grant_type of every token request, oldest first, failed ones included. */
  tokenLog: string[];
}

/** The valid grant behind `Authorization: Bearer ...`, if any. */
export function bearerGrant(state: SmaState, req: Request): AccessGrant | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  const grant = token ? state.tokens.lookup(token) : undefined;
  // A client removed from the simulator loses its tokens with it.
  return grant && state.clients.has(grant.clientId) ? grant : undefined;
}

export function visiblePlants(state: SmaState, grant: AccessGrant): SmaSimPlant[] {
  const emails = grant.owner ? [grant.owner] : state.consents.acceptedOwners(grant.clientId);
  return emails.flatMap((email) => state.owners.get(email)?.plants ?? []);
}

export function findDevice(
  plants: SmaSimPlant[],
  deviceId: string,
): { plant: SmaSimPlant; device: SmaSimDevice } | undefined {
  for (const plant of plants) {
    const device = plant.devices.find((d) => d.deviceId === deviceId);
    if (device) return { plant, device };
  }
  return undefined;
}
