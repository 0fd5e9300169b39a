/**
 * The plants one GoodWe account sees. `QueryPowerStationMonitor` pages through `data.list` by
 * `page_index`/`page_size` (vendors.md §4.3); some owner accounts get an empty list there, and
 * for them `GetPowerStationIdByOwner` answers their one plant id. Neither gives a time zone: see
 * zone.ts for where a plant's zone comes from.
 */
import type { AdapterContext, VendorSite } from "../../../shared/types.ts";
import { callSems } from "./client.ts";
import type { GoodWeSecret } from "./secret.ts";

export const LIST_PATH = "PowerStationMonitor/QueryPowerStationMonitor";
export const OWNER_PATH = "PowerStation/GetPowerStationIdByOwner";

interface ListData {
  record?: unknown;
  list?: Array<{ powerstation_id?: unknown; stationname?: unknown }>;
}

export async function fetchPlants(
  ctx: AdapterContext<GoodWeSecret>,
  pageSize: number,
): Promise<VendorSite[]> {
  const plants = new Map<string, VendorSite>();
  for (let page = 1;; page++) {
    const { data } = await callSems(ctx, {
      path: LIST_PATH,
      payload: listQuery(page, pageSize),
      label: `GoodWe plant list page ${page}`,
    });
    const list = Array.isArray((data as ListData | null)?.list) ? (data as ListData).list! : [];
    const before = plants.size;
    for (const p of list) {
      if (typeof p?.powerstation_id !== "string" || p.powerstation_id === "") continue;
      plants.set(p.powerstation_id, {
        vendorSiteId: p.powerstation_id,
        name: typeof p.stationname === "string" ? p.stationname : undefined,
      });
    }
    const total = (data as ListData | null)?.record;
    // A page without new plants means the server ignores page_index: stop instead of looping.
    const done = list.length < pageSize || plants.size === before ||
      (typeof total === "number" && plants.size >= total);
    if (done) break;
  }
  if (plants.size > 0) return [...plants.values()];
  const { data } = await callSems(ctx, { path: OWNER_PATH, label: "GoodWe owner plant id" });
  return typeof data === "string" && data !== "" ? [{ vendorSiteId: data }] : [];
}

/** The body the SEMS app sends; every filter empty. */
function listQuery(page: number, pageSize: number) {
  return {
    powerstation_id: "",
    key: "",
    orderby: "",
    powerstation_type: "",
    powerstation_status: "",
    page_index: page,
    page_size: pageSize,
    adcode: "",
    org_id: "",
    condition: "",
  };
}
