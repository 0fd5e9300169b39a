/**
 * `GET /api/v4/systems`: the user's systems in pages (default size 10, at most 100, page from 1),
 * sorted by `sort_by=id` or `-id`, in the shape of the published response, including the `-1`
 * placeholders the list prints for energy and size (vendors.md §2.3).
 */
import type { SimSystem } from "./enphase.ts";
import { unprocessable } from "./enphase_errors.ts";
import { DEFAULT_OPERATIONAL_AT } from "./enphase_telemetry.ts";

export function systemsResponse(
  systems: SimSystem[],
  params: URLSearchParams,
  now: Date,
): Response {
  const page = wholeNumber(params.get("page") ?? "1");
  const size = wholeNumber(params.get("size") ?? "10");
  // The Swagger sets the limits but not the error for breaking them; 422 is how it rejects
  // every other bad parameter.
  if (page === undefined || page < 1) {
    return unprocessable("Invalid request because of 'page must be an integer of at least 1'");
  }
  if (size === undefined || size < 1 || size > 100) {
    return unprocessable("Invalid request because of 'size must be an integer from 1 to 100'");
  }
  const sortBy = params.get("sort_by") ?? "id";
  if (sortBy !== "id" && sortBy !== "-id") {
    return unprocessable(
      "Invalid request because of 'The sorting parameter is not supported. Please use id for " +
        "sorting by Asc or -id for sorting by Desc'",
    );
  }
  const sorted = [...systems].sort((a, b) =>
    (a.systemId - b.systemId) * (sortBy === "id" ? 1 : -1)
  );
  const last = Math.floor(now.getTime() / 300_000) * 300;
  const list = sorted.slice((page - 1) * size, page * size).map((s) => ({
    system_id: s.systemId,
    name: s.name,
    public_name: "Residential System",
    timezone: s.timeZone,
    address: {
      city: s.timeZone.split("/").at(-1)!.replaceAll("_", " "),
      state: "",
      country: "",
      postal_code: "",
    },
    connection_type: "ethernet",
    energy_lifetime: -1,
    energy_today: -1,
    system_size: -1,
    status: "normal",
    last_report_at: last,
    last_energy_at: last,
    operational_at: Date.parse(s.operationalAt ?? DEFAULT_OPERATIONAL_AT) / 1000,
    attachment_type: null,
    interconnect_date: null,
  }));
  return Response.json({
    total: systems.length,
    current_page: page,
    size,
    count: list.length,
    items: "systems",
    systems: list,
  });
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
