/**
 * Error bodies of the SMA simulator. The auth and backchannel hosts are Keycloak, which answers
 * `{"error","error_description"}` (RFC 6749 §5.2); the monitoring API's error shape is not in any
 * capture we have, so it answers problem details (`title`, `status`, `detail`), an assumption.
 */
export function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

export function apiError(status: number, detail: string, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  merged.set("content-type", "application/problem+json");
  const body = { title: TITLES[status] ?? "Error", status, detail };
  return new Response(JSON.stringify(body), { status, headers: merged });
}
