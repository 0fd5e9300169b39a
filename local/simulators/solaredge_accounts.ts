/**
 * Checks a simulated SolarEdge account before the simulator accepts it, so a typo in a test or in
 * a `/_sim/accounts` body fails loudly at set-up instead of as a puzzling 401 or 403 later.
 */
import type { SimAccount, SimSite } from "./solaredge.ts";
import { assertTimeZone } from "./zoned_time.ts";
import { ENERGY_UNITS, POWER_UNITS } from "./solaredge_series.ts";

/** A private copy of the account, or a TypeError/RangeError naming what is wrong. */
export function validAccount(input: SimAccount): SimAccount {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add account: the body must be a JSON object");
  }
  const { apiKey, accountKey, sites, perMinuteLimit, monthlyCredits, ignoresPaging } = input;
  if (typeof apiKey !== "string" || apiKey === "") {
    throw new TypeError("Cannot add account: apiKey must be a non-empty string");
  }
  if (accountKey !== undefined && typeof accountKey !== "string") {
    throw new TypeError(`Cannot add account ${apiKey}: accountKey must be a string`);
  }
  if (perMinuteLimit !== undefined && (!Number.isInteger(perMinuteLimit) || perMinuteLimit < 1)) {
    throw new TypeError(`Cannot add account ${apiKey}: perMinuteLimit must be a positive integer`);
  }
  if (monthlyCredits !== undefined && (!Number.isInteger(monthlyCredits) || monthlyCredits < 0)) {
    throw new TypeError(`Cannot add account ${apiKey}: monthlyCredits must be a whole number`);
  }
  if (ignoresPaging !== undefined && typeof ignoresPaging !== "boolean") {
    throw new TypeError(`Cannot add account ${apiKey}: ignoresPaging must be a boolean`);
  }
  if (!Array.isArray(sites)) {
    throw new TypeError(`Cannot add account ${apiKey}: sites must be an array`);
  }
  const ids = new Set<number>();
  const copies = sites.map((site) => {
    const copy = validSite(apiKey, site);
    if (ids.has(copy.siteId)) {
      throw new TypeError(`Cannot add account ${apiKey}: site ${copy.siteId} appears twice`);
    }
    ids.add(copy.siteId);
    return copy;
  });
  return { apiKey, accountKey, sites: copies, perMinuteLimit, monthlyCredits, ignoresPaging };
}

function validSite(apiKey: string, site: SimSite): SimSite {
  const where = `Cannot add account ${apiKey}`;
  if (typeof site !== "object" || site === null) {
    throw new TypeError(`${where}: every site must be an object`);
  }
  if (!Number.isSafeInteger(site.siteId) || site.siteId < 1) {
    throw new TypeError(`${where}: siteId must be a positive integer`);
  }
  if (typeof site.name !== "string") {
    throw new TypeError(`${where}: site ${site.siteId} needs a name`);
  }
  if (typeof site.timeZone !== "string") {
    throw new TypeError(`${where}: site ${site.siteId} needs a timeZone`);
  }
  assertTimeZone(site.timeZone);
  if (typeof site.peakPowerKw !== "number" || !(site.peakPowerKw > 0)) {
    throw new TypeError(`${where}: site ${site.siteId} needs a positive peakPowerKw`);
  }
  for (const key of ["country", "city", "installationDate"] as const) {
    if (site[key] !== undefined && typeof site[key] !== "string") {
      throw new TypeError(`${where}: site ${site.siteId} ${key} must be a string`);
    }
  }
  if (site.powerUnit !== undefined && !(site.powerUnit in POWER_UNITS)) {
    throw new TypeError(`${where}: site ${site.siteId} powerUnit must be one of W, KW, MW`);
  }
  if (site.energyUnit !== undefined && !(site.energyUnit in ENERGY_UNITS)) {
    throw new TypeError(
      `${where}: site ${site.siteId} energyUnit must be one of WH, KWH, MWH, GWH`,
    );
  }
  if (site.publishTimeZone !== undefined && typeof site.publishTimeZone !== "boolean") {
    throw new TypeError(`${where}: site ${site.siteId} publishTimeZone must be a boolean`);
  }
  return { ...site };
}
