/**
 * SolarEdge V2 error bodies: RFC 9457 problem+json with the vendor's `type` URL and a trace id,
 * as captured live in 2026 (vendors.md §1.6, api-evangelist/solar-edge problem types).
 */
export const PROBLEM_TYPE = "https://se-api.stoplight.io/docs/monitoring";

export function problem(
  status: number,
  title: string,
  detail: string,
  headers: HeadersInit = {},
): Response {
  const body = {
    type: PROBLEM_TYPE,
    title,
    status,
    detail,
    instance: null,
    properties: { traceId: crypto.randomUUID().replaceAll("-", "") },
  };
  const merged = new Headers(headers);
  merged.set("content-type", "application/problem+json");
  return new Response(JSON.stringify(body), { status, headers: merged });
}
