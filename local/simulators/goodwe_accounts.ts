/**
 * Checks a simulated GoodWe account before the simulator accepts it, so a typo in a test or a
 * `/_sim/accounts` body fails at set-up instead of as a puzzling 100005 or empty answer later.
 */
import type { SimAccount, SimPlant } from "./goodwe.ts";
import { DATE_FORMATS } from "./goodwe_clock.ts";
import { assertTimeZone } from "./zoned_time.ts";

const REGIONS = ["eu", "us", "au"];
const LOGIN_HOSTS = ["global", "eu", "cn"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A private copy of the account, or a TypeError/RangeError naming what is wrong. */
export function validAccount(input: SimAccount): SimAccount {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add account: the body must be a JSON object");
  }
  const { account, password, dateFormat, region, plants, ownerOnly, semsPlusLogin } = input;
  const { timeStyle, loginHost, legacyLogin, refused } = input;
  if (typeof account !== "string" || account === "") {
    throw new TypeError("Cannot add account: account must be a non-empty string");
  }
  const where = `Cannot add account ${account}`;
  if (typeof password !== "string" || password === "") {
    throw new TypeError(`${where}: password must be a non-empty string`);
  }
  if (dateFormat !== undefined && !DATE_FORMATS.includes(dateFormat)) {
    throw new TypeError(`${where}: dateFormat must be one of ${DATE_FORMATS.join(", ")}`);
  }
  if (region !== undefined && !REGIONS.includes(region)) {
    throw new TypeError(`${where}: region must be one of ${REGIONS.join(", ")}`);
  }
  if (ownerOnly !== undefined && typeof ownerOnly !== "boolean") {
    throw new TypeError(`${where}: ownerOnly must be a boolean`);
  }
  if (semsPlusLogin !== undefined && !["ok", "parameter-error"].includes(semsPlusLogin)) {
    throw new TypeError(`${where}: semsPlusLogin must be "ok" or "parameter-error"`);
  }
  if (legacyLogin !== undefined && !["ok", "no-token"].includes(legacyLogin)) {
    throw new TypeError(`${where}: legacyLogin must be "ok" or "no-token"`);
  }
  if (timeStyle !== undefined && !["plain", "spaced"].includes(timeStyle)) {
    throw new TypeError(`${where}: timeStyle must be "plain" or "spaced"`);
  }
  if (loginHost !== undefined && !LOGIN_HOSTS.includes(loginHost)) {
    throw new TypeError(`${where}: loginHost must be one of ${LOGIN_HOSTS.join(", ")}`);
  }
  if (refused !== undefined && typeof refused !== "boolean") {
    throw new TypeError(`${where}: refused must be a boolean`);
  }
  const limit = input.perMinuteLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TypeError(`${where}: perMinuteLimit must be a positive integer`);
  }
  if (!Array.isArray(plants)) throw new TypeError(`${where}: plants must be an array`);
  const ids = new Set<string>();
  const copies = plants.map((plant) => {
    const copy = validPlant(where, plant, input.hostilePlantIds === true);
    if (ids.has(copy.id)) throw new TypeError(`${where}: plant ${copy.id} appears twice`);
    ids.add(copy.id);
    return copy;
  });
  return { ...input, plants: copies };
}

function validPlant(where: string, plant: SimPlant, anyId: boolean): SimPlant {
  if (typeof plant !== "object" || plant === null) {
    throw new TypeError(`${where}: every plant must be an object`);
  }
  // GoodWe plant ids are the UUIDs seen in the portal's URLs (vendors.md §4.3).
  if (typeof plant.id !== "string" || (anyId ? plant.id === "" : !UUID.test(plant.id))) {
    throw new TypeError(`${where}: plant id must be ${anyId ? "a non-empty text" : "a UUID"}`);
  }
  if (typeof plant.name !== "string") {
    throw new TypeError(`${where}: plant ${plant.id} needs a name`);
  }
  if (typeof plant.timeZone !== "string") {
    throw new TypeError(`${where}: plant ${plant.id} needs a timeZone`);
  }
  assertTimeZone(plant.timeZone);
  if (typeof plant.capacityKw !== "number" || !(plant.capacityKw > 0)) {
    throw new TypeError(`${where}: plant ${plant.id} needs a positive capacityKw`);
  }
  return { id: plant.id, name: plant.name, timeZone: plant.timeZone, capacityKw: plant.capacityKw };
}
