/**
 * Checks simulated SMA clients and owners before the simulator accepts them, so a typo in a test
 * or a `/_sim` body fails loudly at set-up instead of as a puzzling 401 or 403 later.
 */
import type { SmaSimClient, SmaSimDevice, SmaSimOwner, SmaSimPlant } from "./sma.ts";
import { assertTimeZone } from "./zoned_time.ts";

/** A private copy of the client with its default limit, or a TypeError naming what is wrong. */
export function validClient(input: SmaSimClient): Required<SmaSimClient> {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add client: the body must be a JSON object");
  }
  const { clientId, clientSecret, perFiveMinutes = 60 } = input;
  if (typeof clientId !== "string" || clientId === "") {
    throw new TypeError("Cannot add client: clientId must be a non-empty string");
  }
  if (typeof clientSecret !== "string" || clientSecret === "") {
    throw new TypeError(`Cannot add client ${clientId}: clientSecret must be a non-empty string`);
  }
  if (!Number.isInteger(perFiveMinutes) || perFiveMinutes < 1) {
    throw new TypeError(`Cannot add client ${clientId}: perFiveMinutes must be a positive integer`);
  }
  return { clientId, clientSecret, perFiveMinutes };
}

/**
 * A private copy of the owner. Plant and device ids are unique across the simulator, since the
 * monitoring paths address them without the owner; `taken` holds the other owners' ids.
 */
export function validOwner(
  input: SmaSimOwner,
  taken: { plantIds: Set<string>; deviceIds: Set<string> },
): SmaSimOwner {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add owner: the body must be a JSON object");
  }
  const { email, password, plants } = input;
  if (typeof email !== "string" || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new TypeError("Cannot add owner: email must be an e-mail address");
  }
  const where = `Cannot add owner ${email}`;
  if (typeof password !== "string" || password === "") {
    throw new TypeError(`${where}: password must be a non-empty string`);
  }
  if (!Array.isArray(plants)) throw new TypeError(`${where}: plants must be an array`);
  const plantIds = new Set(taken.plantIds);
  const deviceIds = new Set(taken.deviceIds);
  const copies = plants.map((plant) => {
    const copy = validPlant(where, plant);
    if (plantIds.has(copy.plantId)) {
      throw new TypeError(`${where}: plant ${copy.plantId} exists already`);
    }
    plantIds.add(copy.plantId);
    for (const device of copy.devices) {
      if (deviceIds.has(device.deviceId)) {
        throw new TypeError(`${where}: device ${device.deviceId} exists already`);
      }
      deviceIds.add(device.deviceId);
    }
    return copy;
  });
  return { email, password, plants: copies };
}

function validPlant(where: string, plant: SmaSimPlant): SmaSimPlant {
  if (typeof plant !== "object" || plant === null) {
    throw new TypeError(`${where}: every plant must be an object`);
  }
  if (typeof plant.plantId !== "string" || plant.plantId === "") {
    throw new TypeError(`${where}: plantId must be a non-empty string`);
  }
  if (typeof plant.name !== "string") {
    throw new TypeError(`${where}: plant ${plant.plantId} needs a name`);
  }
  if (typeof plant.timeZone !== "string") {
    throw new TypeError(`${where}: plant ${plant.plantId} needs a timeZone`);
  }
  assertTimeZone(plant.timeZone);
  if (!Array.isArray(plant.devices)) {
    throw new TypeError(`${where}: plant ${plant.plantId} devices must be an array`);
  }
  if (plant.nightZeros !== undefined && typeof plant.nightZeros !== "boolean") {
    throw new TypeError(`${where}: plant ${plant.plantId} nightZeros must be a boolean`);
  }
  const devices = plant.devices.map((d) => validDevice(`${where}: plant ${plant.plantId}`, d));
  const { plantId, name, timeZone, nightZeros } = plant;
  return { plantId, name, timeZone, devices, ...(nightZeros ? { nightZeros } : {}) };
}

function validDevice(where: string, device: SmaSimDevice): SmaSimDevice {
  if (typeof device !== "object" || device === null) {
    throw new TypeError(`${where}: every device must be an object`);
  }
  const { deviceId, name, generatorPowerW, peakPowerKw, sets } = device;
  if (typeof deviceId !== "string" || deviceId === "") {
    throw new TypeError(`${where}: deviceId must be a non-empty string`);
  }
  if (typeof name !== "string") throw new TypeError(`${where}: device ${deviceId} needs a name`);
  for (const [key, value] of [["generatorPowerW", generatorPowerW], ["peakPowerKw", peakPowerKw]]) {
    if (typeof value !== "number" || !(value > 0)) {
      throw new TypeError(`${where}: device ${deviceId} needs a positive ${key}`);
    }
  }
  if (sets !== undefined && (!Array.isArray(sets) || !sets.every((x) => typeof x === "string"))) {
    throw new TypeError(`${where}: device ${deviceId} sets must be an array of set names`);
  }
  return { deviceId, name, generatorPowerW, peakPowerKw, ...(sets ? { sets: [...sets] } : {}) };
}
