/**
 * `GetPowerStationPacByDayForApp` to `power_w` readings: `data.pacs[{date, pac}]`, about one
 * sample every 5 minutes of plant AC power in W, stamped with plant-local wall-clock time (gw2pvo
 * gw_api.py; vendors.md §4.4). A sample is taken as the end of the 5 minutes it describes, so its
 * time is the reading's `ts`. A null pac is a gap; a date or pac that cannot be read is noted as
 * unreadable (`pacs[].date`, `pacs[].pac`), never turned into a zero.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { Reading } from "../../../shared/types.ts";
import { UnreadableValues } from "../../../shared/unreadable.ts";
import { parseSemsDate } from "./dates.ts";
import { instantsInOrder } from "./instants.ts";
import type { MapOptions, Mapped } from "./map.ts";
import { isEmptyValue, quantity, roundValue } from "./units.ts";
import { compareText } from "../../../shared/reading_order.ts";

export function pacReadings(data: Record<string, unknown>, options: MapOptions): Mapped {
  const pacs = data.pacs;
  if (!Array.isArray(pacs)) {
    throw new BadRecordError("Cannot read GoodWe pac_by_day response: data.pacs is missing");
  }
  const samples = pacs as Array<{ date?: unknown; pac?: unknown } | null>;
  const reading = { dateFormat: options.dateFormat, day: options.day };
  const instants = instantsInOrder(
    samples.map((s) => parseSemsDate(s?.date, reading)),
    options.timeZone,
  );
  const unreadable = new UnreadableValues();
  const byTs = new Map<string, Reading>();
  let dropped = 0;
  samples.forEach((sample, i) => {
    const at = instants[i];
    const pac = sample?.pac;
    if (isEmptyValue(pac)) {
      dropped++;
      return;
    }
    const watts = quantity(pac, "W");
    if (watts === null) unreadable.note("pacs[].pac", pac);
    if (at === null) unreadable.note("pacs[].date", sample?.date ?? null);
    if (at === null || watts === null) return;
    const ts = new Date(at).toISOString();
    byTs.set(ts, { ts, metric: "power_w", value: roundValue(watts) });
  });
  const readings = [...byTs.values()].sort((a, b) => compareText(a.ts, b.ts));
  return { readings, dropped, sentinels: 0, unreadable: unreadable.list() };
}
