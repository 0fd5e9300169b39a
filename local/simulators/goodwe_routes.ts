/**
 * The regional API's PowerStation routes for a logged-in account (vendors.md §4.3-4.4). A plant
 * the account cannot see answers success with empty `data`, the shape captured for a monitor
 * detail without a visible plant (goodwe-sems-home-assistant legacy_monitor_empty.json).
 */
import type { SimAccount } from "./goodwe.ts";
import { PARAMETER_ERROR, semsData, semsError } from "./goodwe_answer.ts";
import { formatSemsTime, isIsoDate } from "./goodwe_clock.ts";
import { monitorDetail } from "./goodwe_detail.ts";
import { pacSamples, plantState } from "./goodwe_production.ts";

type Body = Record<string, unknown> | undefined;

export function regionalResponse(account: SimAccount, route: string, body: Body, now: Date) {
  switch (route) {
    case "PowerStationMonitor/QueryPowerStationMonitor":
      return plantList(account, body, now);
    case "PowerStation/GetPowerStationIdByOwner":
      // Takes no body and names one plant: the first the owner has (fixture: code 0, a uuid).
      return semsData(account.plants[0]?.id ?? null);
    case "v2/PowerStationMonitor/GetPowerStationPacByDayForApp":
      return pacByDay(account, body, now);
    case "v2/PowerStation/GetMonitorDetailByPowerstationId":
    case "v3/PowerStation/GetMonitorDetailByPowerstationId": {
      const plant = account.plants.find((p) => p.id === body?.powerStationId);
      return semsData(plant ? monitorDetail(account, plant, now) : {}, "0");
    }
    default:
      return undefined;
  }
}

function plantList(account: SimAccount, body: Body, now: Date): Response {
  const page = body?.page_index;
  const size = body?.page_size;
  if (!Number.isInteger(page) || (page as number) < 1) return semsError(PARAMETER_ERROR);
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 100) {
    return semsError(PARAMETER_ERROR);
  }
  // Some owner accounts see nothing here and must ask GetPowerStationIdByOwner.
  const plants = account.ownerOnly ? [] : account.plants;
  const start = ((page as number) - 1) * (size as number);
  const list = plants.slice(start, start + (size as number)).map((plant) => {
    const state = plantState(plant, now);
    return {
      powerstation_id: plant.id,
      stationname: plant.name,
      location: plant.timeZone.split("/").at(-1)!.replaceAll("_", " "),
      status: state.awake ? 1 : -1,
      pac: state.pacW,
      capacity: plant.capacityKw,
      eday: state.todayKwh,
      emonth: state.monthKwh,
      etotal: state.totalKwh,
      powerstation_type: "Residential",
      pac_kw: state.pacW / 1000,
      currency: "EUR",
    };
  });
  return semsData({ record: plants.length, list });
}

function pacByDay(account: SimAccount, body: Body, now: Date): Response {
  if (!isIsoDate(body?.date)) return semsError(PARAMETER_ERROR);
  const plant = account.plants.find((p) => p.id === body?.id);
  if (!plant) return semsData({});
  const format = account.dateFormat ?? "MM/dd/yyyy";
  const pacs = pacSamples(plant, body.date, now).map((s) => ({
    date: formatSemsTime(s.at, plant.timeZone, format, account.timeStyle),
    pac: s.pac,
  }));
  return semsData({ pacs });
}
