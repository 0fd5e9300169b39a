/**
 * One plant and one window: the monitor detail once (a snapshot of the inverters, and the plant's
 * zone and date format when the site has none), then the pac curve of each plant-local day the
 * window touches, since `GetPowerStationPacByDayForApp` answers one whole local day per call.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { AdapterContext, Reading, SiteData, Window } from "../../../shared/types.ts";
import { callSems } from "./client.ts";
import { dateFormatFor, DEFAULT_DATE_FORMAT } from "./dates.ts";
import { localDays } from "./instants.ts";
import { toReadings } from "./map.ts";
import type { GoodWeSecret } from "./secret.ts";
import { plantTimeZone } from "./zone.ts";
import { emptySiteData, inWindow } from "../../../shared/site_data.ts";

export const DETAIL_PATH = "v2/PowerStation/GetMonitorDetailByPowerstationId";
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
  const accountFormat = typeof info?.date_format === "string"
    ? info.date_format
    : DEFAULT_DATE_FORMAT;
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
    const first = (pac.data as { pacs?: Array<{ date?: unknown }> } | null)?.pacs?.[0]?.date;
    const mapped = toReadings(pac.recorded.body, "pac_by_day", {
      timeZone,
      dateFormat: dateFormatFor(first, day, accountFormat),
    });
    const kept = mapped.readings.filter(inside);
    data.readings.push(...kept);
    data.dropped += mapped.dropped;
    data.intervalsReceived += kept.length;
  }
  // The snapshot adds per-inverter values; they do not count towards the pac curve's completeness.
  const snapshot = toReadings(detail.recorded.body, "monitor_detail", { timeZone });
  data.readings.push(...snapshot.readings.filter(inside));
  data.dropped += snapshot.dropped;
  return data;
}
