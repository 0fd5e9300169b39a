/**
 * The benchmark's synthetic fleet, as a plan: how many sites each vendor and credential gets, their
 * ids, names and time zones. Pure, so the bound (bound.ts) and the seeding (seed.ts) read the same
 * fleet. Sites spread evenly over the four vendors, credentials evenly over the vendors (at least
 * one each), and each vendor's sites round-robin over its credentials.
 */
import { type Source, SOURCES } from "../shared/vendors.ts";

export const BENCH_VENDORS = SOURCES;
export type BenchVendor = Source;

export interface PlannedSite {
  /** The id the vendor's API uses, as `inverter_sites.vendor_site_id` stores it. */
  vendorSiteId: string;
  name: string;
  timeZone: string;
}

export interface PlannedCredential {
  vendor: BenchVendor;
  /** Unique per bench run: API key, login e-mail or owner e-mail at the simulator. */
  login: string;
  label: string;
  sites: PlannedSite[];
}

export interface FleetPlan {
  tag: string;
  credentials: PlannedCredential[];
}

/** Zones on several continents, so local days (SMA's and GoodWe's per-day calls) differ. */
export const ZONES = [
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Tokyo",
  "America/Denver",
  "Europe/London",
] as const;

export function planFleet(options: { sites: number; credentials: number; tag: string }) {
  const { sites, credentials, tag } = options;
  if (!Number.isInteger(sites) || sites < BENCH_VENDORS.length) {
    throw new RangeError(`Cannot plan a fleet: --sites must be a whole number of at least 4`);
  }
  if (!Number.isInteger(credentials) || credentials < BENCH_VENDORS.length || credentials > sites) {
    throw new RangeError(
      "Cannot plan a fleet: --credentials must be a whole number from 4 (one per vendor) to --sites",
    );
  }
  if (!/^[0-9]{1,4}$/.test(tag)) {
    throw new RangeError("Cannot plan a fleet: the tag must be 1 to 4 digits");
  }
  const plan: FleetPlan = { tag, credentials: [] };
  let serial = 0;
  BENCH_VENDORS.forEach((vendor, v) => {
    const vendorSites = share(sites, BENCH_VENDORS.length, v);
    const creds = Array.from({ length: share(credentials, BENCH_VENDORS.length, v) }, (_, c) => ({
      vendor,
      login: login(vendor, tag, c),
      label: `Bench ${tag} ${vendor} ${c + 1}`,
      sites: [] as PlannedSite[],
    }));
    for (let i = 0; i < vendorSites; i++) {
      serial++;
      creds[i % creds.length].sites.push({
        vendorSiteId: siteId(vendor, tag, serial),
        name: `Bench ${vendor} ${i + 1}`,
        timeZone: ZONES[serial % ZONES.length],
      });
    }
    plan.credentials.push(...creds);
  });
  return plan;
}

export function fleetSites(plan: FleetPlan): number {
  return plan.credentials.reduce((n, c) => n + c.sites.length, 0);
}

/** The i-th of `parts` shares of `total`, the first ones one larger when it does not divide. */
function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

function login(vendor: BenchVendor, tag: string, c: number): string {
  return vendor === "solaredge"
    ? `bench-${tag}-key-${c}-v2`
    : `bench-${tag}-${vendor}-${c}@example.com`;
}

/** Numeric ids for SolarEdge, Enphase and SMA (tag, then a serial); a UUID shape for GoodWe. */
function siteId(vendor: BenchVendor, tag: string, serial: number): string {
  const n = Number(tag) * 1_000_000 + serial;
  if (vendor !== "goodwe") return String(n);
  const hex = n.toString(16).padStart(12, "0");
  return `0be0c4a1-0000-4000-8000-${hex}`;
}
