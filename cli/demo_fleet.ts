/**
 * The demo's fleet in the vendor simulators: what each customer has at each manufacturer. Sites
 * sit in several time zones on purpose, so local days and DST show in the output.
 */
import type {
  SimAccount as SolarEdgeAccount,
  SimHomeowner as SolarEdgeHomeowner,
} from "../local/simulators/solaredge.ts";
import type { SimUser as EnphaseUser } from "../local/simulators/enphase.ts";
import type { SmaSimOwner } from "../local/simulators/sma.ts";
import type { SimAccount as GoodWeAccount } from "../local/simulators/goodwe.ts";

export const DEMO_ORG = "Demo Solar Fleet";

export const solarEdgeAccounts: SolarEdgeAccount[] = [
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

/** A homeowner with no API key (V2 has none for sites): connected through Site Access (OAuth). */
export const solarEdgeHomeowner: SolarEdgeHomeowner = {
  email: "demo-solaredge-homeowner@example.com",
  sites: [
    { siteId: 3300001, name: "Dublin townhouse", timeZone: "Europe/Dublin", peakPowerKw: 4.8 },
  ],
};

export const enphaseHomeowner: EnphaseUser = {
  email: "demo-homeowner@example.com",
  password: "demo-password",
  systems: [
    { systemId: 6100001, name: "Maryland home", timeZone: "America/New_York", peakPowerKw: 6.4 },
    { systemId: 6100002, name: "Lyon farmhouse", timeZone: "Europe/Paris", peakPowerKw: 11 },
  ],
};

export const smaOwner: SmaSimOwner = {
  email: "demo-plant-owner@example.com",
  password: "demo-password",
  plants: [{
    plantId: "7100001",
    name: "Kassel school",
    timeZone: "Europe/Berlin",
    devices: [
      { deviceId: "7101", name: "Roof east", generatorPowerW: 10000, peakPowerKw: 11 },
      { deviceId: "7102", name: "Roof west", generatorPowerW: 10000, peakPowerKw: 10.5 },
    ],
  }],
};

export const goodweAccount: GoodWeAccount = {
  account: "demo-installer@example.com",
  password: "demo-goodwe-password",
  dateFormat: "dd/MM/yyyy",
  // Times with a space after each colon, as real SEMS answers print them (vendors.md corrections).
  timeStyle: "spaced",
  plants: [
    {
      id: "6f0c1e9a-3b7d-4c2e-9a51-0d5e8f7a2b11",
      name: "Perth shed",
      timeZone: "Australia/Perth",
      capacityKw: 8,
    },
    {
      id: "0a4d2c7e-91b3-4f6a-8e25-7c3b1d9f4e62",
      name: "Utrecht barn",
      timeZone: "Europe/Amsterdam",
      capacityKw: 15,
    },
  ],
};
