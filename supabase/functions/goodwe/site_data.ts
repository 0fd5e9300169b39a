/**
 * One plant and one window: the monitor detail once (a snapshot of the inverters, and the plant's
 * zone and date format when the site has none), then the pac curve of each plant-local day the
 * window touches, since `GetPowerStationPacByDayForApp` answers one whole local day per call.
 * Values nobody can read are reported in `unreadable` (the core fails a window that has only
 * those); a pac curve whose every sample is unreadable fails the window here.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { AdapterContext, Reading, SiteData, Window } from "../../../shared/types.ts";
import { callSems } from "./client.ts";
import { localDays } from "./instants.ts";
import { toReadings } from "./map.ts";
import type { GoodWeSecret } from "./secret.ts";
import { plantTimeZone } from "./zone.ts";
import { emptySiteData, inWindow } from "../../../shared/site_data.ts";
import { assertReadable, UnreadableValues } from "../../../shared/unreadable.ts";

// v3, the path of the captured answers (fixtures/vendors/goodwe README) and of the SEMS Home
// Assistant integration's current client (sems_api.py `_PowerStationURLPart`).
export const DETAIL_PATH = "v3/PowerStation/GetMonitorDetailByPowerstationId";
export const PAC_PATH = "v2/PowerStationMonitor/GetPowerStationPacByDayForApp";

interface DetailData {
  info?: { date_format?: unknown; time_zone?: unknown; time_span?: unknown };
}

export async function fetchPlantData(
  ctx: AdapterContext<GoodWeSecret>,
  site: { vendorSiteId: string; timezone?: string | null },
  window: Window,
  resolutionMinutes: number,
): Promise<SiteData> {
  const id = site.vendorSiteId;
  const detail = await callSems(ctx, {
    path: DETAIL_PATH,
    payload: { powerStationId: id },
    label: `GoodWe monitor detail of plant ${id}`,
  });
  const info = (detail.data as DetailData | null)?.info;
  const timeZone = plantTimeZone(site.timezone, info);
  if (!timeZone) {
    throw new BadRecordError(
      `Cannot sync GoodWe plant ${id}: its time zone is unknown; set the site's timezone`,
    );
  }
  if (timeZone !== site.timezone) {
    ctx.logger.warn("GoodWe plant has no time zone: using the UTC offset of its monitor detail", {
      plant: id,
      timeZone,
    });
  }
  const dateFormat = typeof info?.date_format === "string" ? info.date_format : undefined;
  const unreadable = new UnreadableValues();
  const inside = (r: Reading) => inWindow(r.ts, window);
  const data: SiteData = {
    ...emptySiteData(),
    responses: [detail.recorded],
    intervalsExpected: (window.to.getTime() - window.from.getTime()) / (resolutionMinutes * 60_000),
  };
  for (const day of localDays(window, timeZone)) {
    const pac = await callSems(ctx, {
      path: PAC_PATH,
      payload: { id, date: day },
      label: `GoodWe pac curve of plant ${id} on ${day}`,
    });
    data.responses.push(pac.recorded);
    const mapped = toReadings(pac.recorded.body, "pac_by_day", { timeZone, dateFormat, day });
    // A curve with samples of which not one could be read fails the window even when the
    // snapshot below has readings: storing only the snapshot would hide a lost day of power.
    assertReadable(`GoodWe pac curve of plant ${id} on ${day}`, { ...emptySiteData(), ...mapped });
    unreadable.merge(mapped.unreadable);
    const kept = mapped.readings.filter(inside);
    data.readings.push(...kept);
    data.dropped += mapped.dropped;
    data.intervalsReceived += kept.length;
  }
  // The snapshot adds per-inverter values; they do not count towards the pac curve's completeness.
  const snapshot = toReadings(detail.recorded.body, "monitor_detail", { timeZone });
  data.readings.push(...snapshot.readings.filter(inside));
  data.dropped += snapshot.dropped;
  unreadable.merge(snapshot.unreadable);
  if (unreadable.count > 0) data.unreadable = unreadable.list();
  return data;
}
