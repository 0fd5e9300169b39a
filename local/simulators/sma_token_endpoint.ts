/**
 * `POST /oauth2/token` of the simulated SMA Keycloak (vendors.md §3.2): a form body, the client
 * id and secret either in it (SMA's JavaScript example) or as HTTP Basic (SolarNetwork's client),
 * grants `authorization_code`, `refresh_token` and `client_credentials`, and Keycloak's
 * `{"error","error_description"}` answers: 401 `invalid_client`, 400 `invalid_grant` and so on.
 */
import { oauthError } from "./sma_errors.ts";
import type { SmaState } from "./sma_state.ts";

export async function tokenEndpointResponse(state: SmaState, req: Request): Promise<Response> {
  if (req.method !== "POST") return oauthError(405, "invalid_request", "HTTP method not allowed");
  const isForm = (req.headers.get("content-type") ?? "")
    .startsWith("application/x-www-form-urlencoded");
  const form = new URLSearchParams(isForm ? await req.text() : "");
  const grantType = form.get("grant_type");
  state.tokenLog.push(grantType ?? "");
  if (!grantType) return oauthError(400, "invalid_request", "Missing form parameter: grant_type");
  const [clientId, secret] = clientCredentials(req, form);
  const client = state.clients.get(clientId);
  if (!client || client.clientSecret !== secret) {
    return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
  }
  const invalid = (description: string) => oauthError(400, "invalid_grant", description);
  switch (grantType) {
    case "authorization_code": {
      const issued = state.tokens.redeemCode(
        form.get("code") ?? "",
        clientId,
        form.get("redirect_uri") ?? "",
      );
      return issued.ok ? Response.json(issued.body) : invalid(issued.description);
    }
    case "refresh_token": {
      const token = form.get("refresh_token");
      if (!token) return oauthError(400, "invalid_request", "Missing parameter: refresh_token");
      const issued = state.tokens.refresh(token, clientId);
      return issued.ok ? Response.json(issued.body) : invalid(issued.description);
    }
    case "client_credentials":
      return Response.json(state.tokens.clientCredentials(clientId));
    default:
      return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
  }
}

/** HTTP Basic when present (RFC 6749 §2.3.1 prefers it), else the form's client_id/secret. */
export function clientCredentials(req: Request, form: URLSearchParams): [string, string] {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (basic) {
    try {
      const decoded = atob(basic);
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        return [
          decodeURIComponent(decoded.slice(0, colon)),
          decodeURIComponent(decoded.slice(colon + 1)),
        ];
      }
    } catch {
      // A garbled header authenticates nobody; fall through to the form.
    }
  }
  return [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
}
