/**
 * Where a session's PowerStation calls go. The classic login answers the regional API outright
 * (`"api": "https://eu.semsportal.com/api/"`); SEMS+ may answer only its web gateway
 * (`https://eu-gateway.semsportal.com/web/sems`, with `region` in `data`) or no `api` at all, and
 * the PowerStation routes are not served there: clients call `https://{region}.semsportal.com/api`
 * instead (vendors.md §4.1; TimSoethout/goodwe-sems-home-assistant sems_api.py). Every route this
 * adapter calls is a PowerStation route, so the session stores that base directly.
 */
const GATEWAY_FALLBACK = "https://eu-gateway.semsportal.com/web/sems";

export function powerStationApi(api: unknown, data: { api?: unknown; region?: unknown }): string {
  const given = [api, data.api].find((a): a is string => typeof a === "string" && a.trim() !== "");
  const url = parseUrl(given ?? GATEWAY_FALLBACK) ?? new URL(GATEWAY_FALLBACK);
  if (!url.pathname.includes("/web/sems")) return url.href.replace(/\/*$/, "/");
  const region = regionName(data.region) ?? regionName(url.hostname.split("-gateway.")[0]) ?? "eu";
  return `https://${region}.semsportal.com/api/`;
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Only a plain region label may become part of a host name. */
function regionName(value: unknown): string | undefined {
  return typeof value === "string" && /^[a-z]{2,6}$/.test(value) ? value : undefined;
}
