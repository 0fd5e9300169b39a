/**
 * The simulator's developer apps and Enlighten users. Inputs are checked here, so a typo in a
 * test or a `/_sim` body fails loudly at set-up instead of as a puzzling 401 later.
 */
import type { SimApp, SimSystem, SimUser } from "./enphase.ts";
import { isPlanName, type Limits, type PlanName, PLANS } from "./enphase_plans.ts";
import { assertTimeZone } from "./zoned_time.ts";

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  plan: PlanName;
  appType: "system" | "partner";
  limits: Limits;
  /** Enphase's numeric client id, reported as `enl_cid`. */
  cid: string;
}

export interface RegisteredUser {
  email: string;
  password: string;
  systems: SimSystem[];
  /** Enphase's numeric user id, reported as `enl_uid`. */
  uid: string;
}

export interface Registry {
  /** Adds the app, or replaces the one with the same client id. */
  addApp(app: SimApp): RegisteredApp;
  /** Adds the user, or replaces the one with the same email (and so their systems). */
  addUser(user: SimUser): RegisteredUser;
  appByClient(clientId: string): RegisteredApp | undefined;
  appByKey(apiKey: string): RegisteredApp | undefined;
  user(email: string): RegisteredUser | undefined;
  /** The email of the user who owns the system, if any. */
  ownerOf(systemId: number): string | undefined;
}

export function createRegistry(): Registry {
  const apps = new Map<string, RegisteredApp>();
  const users = new Map<string, RegisteredUser>();
  // System id to owner's email: fleets in the benchmark hold thousands of systems.
  const owners = new Map<number, string>();
  let nextCid = 5;
  let nextUid = 217231;
  return {
    addApp(input) {
      const app = validApp(input);
      const holder = [...apps.values()].find((a) => a.apiKey === app.apiKey);
      if (holder && holder.clientId !== app.clientId) {
        throw new TypeError(`Cannot add app ${app.clientId}: its apiKey belongs to another app`);
      }
      const cid = apps.get(app.clientId)?.cid ?? String(nextCid++);
      const registered = { ...app, cid };
      apps.set(app.clientId, registered);
      return registered;
    },
    addUser(input) {
      const user = validUser(input);
      for (const s of user.systems) {
        const owner = owners.get(s.systemId);
        if (owner !== undefined && owner !== user.email) {
          throw new TypeError(
            `Cannot add user ${user.email}: system ${s.systemId} belongs to another user`,
          );
        }
      }
      const previous = users.get(user.email);
      for (const s of previous?.systems ?? []) owners.delete(s.systemId);
      for (const s of user.systems) owners.set(s.systemId, user.email);
      const registered = { ...user, uid: previous?.uid ?? String(nextUid++) };
      users.set(user.email, registered);
      return registered;
    },
    appByClient: (clientId) => apps.get(clientId),
    appByKey: (apiKey) => [...apps.values()].find((a) => a.apiKey === apiKey),
    user: (email) => users.get(email),
    ownerOf: (systemId) => owners.get(systemId),
  };
}

function validApp(input: SimApp): Omit<RegisteredApp, "cid"> {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add app: the body must be a JSON object");
  }
  const { clientId, clientSecret, apiKey, plan = "Watt", appType = "system" } = input;
  for (
    const [name, value] of [["clientId", clientId], ["clientSecret", clientSecret], [
      "apiKey",
      apiKey,
    ]]
  ) {
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`Cannot add app: ${name} must be a non-empty string`);
    }
  }
  if (!isPlanName(plan)) {
    throw new TypeError(
      `Cannot add app ${clientId}: plan must be one of ${Object.keys(PLANS).join(", ")}`,
    );
  }
  if (appType !== "system" && appType !== "partner") {
    throw new TypeError(`Cannot add app ${clientId}: appType must be system or partner`);
  }
  const limits = { ...PLANS[plan] };
  for (const key of ["perMinute", "perMonth"] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`Cannot add app ${clientId}: ${key} must be a whole number`);
    }
    limits[key] = value;
  }
  return { clientId, clientSecret, apiKey, plan, appType, limits };
}

function validUser(input: SimUser): Omit<RegisteredUser, "uid"> {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add user: the body must be a JSON object");
  }
  const { email, password, systems } = input;
  if (typeof email !== "string" || !email.includes("@")) {
    throw new TypeError("Cannot add user: email must be an email address");
  }
  if (typeof password !== "string" || password === "") {
    throw new TypeError(`Cannot add user ${email}: password must be a non-empty string`);
  }
  if (!Array.isArray(systems)) {
    throw new TypeError(`Cannot add user ${email}: systems must be an array`);
  }
  const ids = new Set<number>();
  const copies = systems.map((system) => {
    const copy = validSystem(email, system);
    if (ids.has(copy.systemId)) {
      throw new TypeError(`Cannot add user ${email}: system ${copy.systemId} appears twice`);
    }
    ids.add(copy.systemId);
    return copy;
  });
  return { email, password, systems: copies };
}

function validSystem(email: string, system: SimSystem): SimSystem {
  const where = `Cannot add user ${email}`;
  if (typeof system !== "object" || system === null) {
    throw new TypeError(`${where}: every system must be an object`);
  }
  const { systemId, name, timeZone, peakPowerKw, operationalAt } = system;
  if (!Number.isSafeInteger(systemId) || systemId < 1) {
    throw new TypeError(`${where}: systemId must be a positive integer`);
  }
  if (typeof name !== "string") throw new TypeError(`${where}: system ${systemId} needs a name`);
  if (typeof timeZone !== "string") {
    throw new TypeError(`${where}: system ${systemId} needs a timeZone`);
  }
  assertTimeZone(timeZone);
  if (typeof peakPowerKw !== "number" || !(peakPowerKw > 0)) {
    throw new TypeError(`${where}: system ${systemId} needs a positive peakPowerKw`);
  }
  if (operationalAt !== undefined && Number.isNaN(Date.parse(operationalAt))) {
    throw new TypeError(`${where}: system ${systemId} operationalAt must be an ISO date-time`);
  }
  return { ...system };
}
