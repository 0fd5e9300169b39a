/**
 * What fetchSiteData needs to know about a plant before asking for data: which devices produce PV,
 * how big each inverter is (for the spike guard), and which plant-local days a window touches,
 * since SMA serves one local day per request (vendors.md §3.3, §3.4).
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import { formatInZone, isTimeZone } from "../../../shared/time.ts";
import type { AdapterContext, RecordedResponse, Window } from "../../../shared/types.ts";

export interface Inverter {
  deviceId: string;
  /** `generatorPower` in W when SMA states it; the spike guard needs it. */
  generatorPowerW?: number;
}

interface LeanDevice {
  deviceId?: unknown;
  type?: unknown;
  generatorPower?: unknown;
  isActive?: unknown;
}

// Only PV inverters have an EnergyAndPowerPv set; "Battery Inverter", meters and sensors do not.
const PV_INVERTER = "Solar Inverters";

/** The plant's active PV inverters, from `/v1/plants/{plantId}/devices/lean`. */
export async function inverters(
  ctx: AdapterContext<unknown>,
  plantId: string,
  responses: RecordedResponse[],
): Promise<Inverter[]> {
  const body = await get(ctx, `/v1/plants/${encodeURIComponent(plantId)}/devices/lean`, {
    endpoint: "/v1/plants/{plantId}/devices/lean",
    label: `SMA devices of plant ${plantId}`,
    responses,
  }) as { devices?: LeanDevice[] } | null;
  if (!Array.isArray(body?.devices)) {
    throw new BadRecordError(`Cannot read SMA devices of plant ${plantId}: devices is missing`);
  }
  return body.devices
    .filter((d) => d?.isActive === true && d.type === PV_INVERTER)
    .filter((d) => typeof d.deviceId === "string" || typeof d.deviceId === "number")
    .map((d) => ({
      deviceId: String(d.deviceId),
      generatorPowerW: typeof d.generatorPower === "number" && d.generatorPower > 0
        ? d.generatorPower
        : undefined,
    }));
}

/** The plant's IANA zone from `/v1/plants/{plantId}`, for a site stored without one. */
export async function plantTimeZone(
  ctx: AdapterContext<unknown>,
  plantId: string,
  responses: RecordedResponse[],
): Promise<string> {
  const body = await get(ctx, `/v1/plants/${encodeURIComponent(plantId)}`, {
    endpoint: "/v1/plants/{plantId}",
    label: `SMA plant ${plantId}`,
    responses,
  }) as { timezone?: unknown } | null;
  const zone = body?.timezone;
  if (typeof zone !== "string" || !isTimeZone(zone)) {
    throw new BadRecordError(`Cannot read SMA plant ${plantId}: timezone ${zone} is not a zone`);
  }
  return zone;
}

/**
 * The plant-local dates whose day sets hold the interval ends in (from, to]. A day set ends with
 * 00:00 of the next day, so an interval ending at midnight belongs to the day before.
 */
export function localDates(window: Window, timeZone: string): string[] {
  if (window.to <= window.from) return [];
  const first = formatInZone(window.from, timeZone).slice(0, 10);
  const last = formatInZone(new Date(window.to.getTime() - 1), timeZone).slice(0, 10);
  const dates: string[] = [];
  for (let d = first; d <= last; d = nextDate(d)) dates.push(d);
  return dates;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

async function get(
  ctx: AdapterContext<unknown>,
  path: string,
  o: { endpoint: string; label: string; responses: RecordedResponse[] },
): Promise<unknown> {
  const url = `${ctx.baseUrl}${path}`;
  // Only 401 disables the credential: a 403 or 404 concerns this plant, the token still works.
  const result = await ctx.http({ url, label: o.label, fatalStatuses: [401] });
  const body = parseJson(result, o.label);
  o.responses.push({
    endpoint: o.endpoint,
    request: { method: "GET", url },
    status: result.status,
    body,
  });
  return body;
}
