/**
 * The SMA Monitoring API's `/v1` routes the fetcher uses, in the shapes of the captured fixtures
 * (vendors.md §3.3, §3.4, "Corrections, December 2026"): plants, one plant, its devices (lean), a
 * device's measurement sets, and the `EnergyAndPowerPv` and `PowerAc` day sets. The caller has
 * already checked the bearer token and the limit.
 * A plant or device the token cannot see is 403 whether it exists or not.
 */
import type { SmaSimPlant } from "./sma.ts";
import { apiError } from "./sma_errors.ts";
import { daySet, powerAcSet } from "./sma_series.ts";
import { findDevice, type SmaState, visiblePlants } from "./sma_state.ts";
import type { AccessGrant } from "./sma_tokens.ts";

const PLANT = /^\/v1\/plants\/([^/]+)(\/devices\/lean)?$/;
const DEVICE = /^\/v1\/devices\/([^/]+)\/measurements\/sets(?:\/([^/]+)\/([^/]+))?$/;
const DEFAULT_SETS = ["EnergyAndPowerPv", "PowerDc", "PowerAc"];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function monitoringResponse(
  state: SmaState,
  grant: AccessGrant,
  req: Request,
  url: URL,
  options: { spike?: boolean; unreadableTimes?: boolean } = {},
): Response {
  if (req.method !== "GET") {
    return apiError(405, `Cannot ${req.method} ${url.pathname}`, { allow: "GET" });
  }
  const plants = visiblePlants(state, grant);
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/v1/plants") return Response.json({ plants: plants.map(plantListed) });
  const p = PLANT.exec(path);
  if (p) {
    const plant = plants.find((x) => x.plantId === decodeURIComponent(p[1]));
    if (!plant) return apiError(403, `No access to plant ${decodeURIComponent(p[1])}`);
    return Response.json(p[2] ? { devices: plant.devices.map(leanDevice) } : plantDetail(plant));
  }
  const d = DEVICE.exec(path);
  if (!d) return apiError(404, `No such endpoint: ${url.pathname}`);
  const found = findDevice(plants, decodeURIComponent(d[1]));
  if (!found) return apiError(403, `No access to device ${decodeURIComponent(d[1])}`);
  const head = {
    plant: { plantId: found.plant.plantId, name: found.plant.name, timezone: found.plant.timeZone },
    device: {
      deviceId: found.device.deviceId,
      name: found.device.name,
      timezone: found.plant.timeZone,
    },
  };
  const sets = found.device.sets ?? DEFAULT_SETS;
  if (!d[2]) return Response.json({ ...head, sets });
  const setType = d[2];
  if (!sets.includes(setType)) {
    return apiError(404, `Device ${found.device.deviceId} has no measurement set ${setType}`);
  }
  if ((setType !== "EnergyAndPowerPv" && setType !== "PowerAc") || d[3] !== "Day") {
    return apiError(
      404,
      `Cannot simulate set ${setType} for period ${
        d[3]
      }: only EnergyAndPowerPv/Day and PowerAc/Day`,
    );
  }
  // ASP.NET binds query names case-insensitively; SMA documents `Date` and `ReturnEnergyValues`.
  const query = new Map([...url.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
  const date = query.get("date");
  if (date === undefined || date === "") return apiError(400, "The Date field is required.");
  if (!realDate(date)) return apiError(400, `The value '${date}' is not valid for Date.`);
  const energyText = (query.get("returnenergyvalues") ?? "false").toLowerCase();
  if (energyText !== "true" && energyText !== "false") {
    return apiError(400, `The value '${energyText}' is not valid for ReturnEnergyValues.`);
  }
  const series = { now: state.now(), nightZeros: found.plant.nightZeros };
  // ReturnEnergyValues applies to the EnergyAndPower* sets only (vendors.md §3.4).
  const set = setType === "PowerAc"
    ? powerAcSet(found.device, found.plant.timeZone, date, series)
    : daySet(found.device, found.plant.timeZone, date, {
      ...series,
      energy: energyText === "true",
      spike: options.spike,
    });
  const body = { ...head, setType, resolution: "FiveMinutes", set };
  return Response.json(options.unreadableTimes ? withUnreadableTimes(body) : body);
}

/**
 * The `unreadable_time` test fault: every `time` printed as `14.06.2026 13:05`, a format SMA has
 * not been seen to send, so that a mapping that cannot read its times is caught.
 */
function withUnreadableTimes<B extends { set: { time: string }[] }>(body: B): B {
  const german = (t: string) =>
    `${t.slice(8, 10)}.${t.slice(5, 7)}.${t.slice(0, 4)} ${t.slice(11, 16)}`;
  return { ...body, set: body.set.map((e) => ({ ...e, time: german(e.time) })) };
}

function realDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

function plantListed(plant: SmaSimPlant) {
  const peak = plant.devices.reduce((sum, d) => sum + d.peakPowerKw * 1000, 0);
  const ac = plant.devices.reduce((sum, d) => sum + d.generatorPowerW, 0);
  return {
    plantId: plant.plantId,
    name: plant.name,
    timezone: plant.timeZone,
    installation: {
      peakPower: peak,
      acNominalPower: ac,
      calcAcNominalPower: ac,
      dcPowerInputMax: peak,
      co2SavingsFactor: 400,
      startUpUtc: "2021-11-03T00:00:00",
      orientation: {},
    },
  };
}

function plantDetail(plant: SmaSimPlant) {
  return {
    plantId: plant.plantId,
    name: plant.name,
    description: `${plant.name} (simulated)`,
    timezone: plant.timeZone,
  };
}

function leanDevice(device: SmaSimPlant["devices"][number]) {
  return {
    deviceId: device.deviceId,
    name: device.name,
    type: "Solar Inverters",
    product: `STP ${device.generatorPowerW}TL-20`,
    productId: 9099,
    serial: `SIM${device.deviceId}`,
    vendor: "SMA",
    generatorPower: device.generatorPowerW,
    generatorPowerDc: device.peakPowerKw * 1000,
    isActive: true,
  };
}
