/**
 * SMA's backchannel ("custom flow") consent endpoints on the async-auth host (vendors.md §3.2,
 * UNCERTAIN there): with a `client_credentials` bearer, `POST /oauth2/v2/bc-authorize`
 * `{"loginHint": email}` asks the owner (SMA e-mails them), `GET .../{loginHint}` reads the state,
 * and the sandbox's `PUT .../{loginHint}/status` `{"state": ...}` plays the owner's answer.
 * States are capitalised (`{"state":"Accepted"}`, vendors.md "Corrections, December 2026", SMA);
 * the switch takes SMA's spelling only, as the sandbox's own example sends it.
 */
import { CONSENT_STATES, type ConsentState } from "./sma_consents.ts";
import { oauthError } from "./sma_errors.ts";
import { bearerGrant, type SmaState } from "./sma_state.ts";

export const BC_PATH = "/oauth2/v2/bc-authorize";
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function backchannelResponse(
  state: SmaState,
  req: Request,
  url: URL,
): Promise<Response> {
  const grant = bearerGrant(state, req);
  if (!grant) return oauthError(401, "invalid_token", "Token is not active");
  if (grant.owner !== undefined) {
    return oauthError(403, "access_denied", "A client_credentials token is required");
  }
  const clientId = grant.clientId;
  const rest = url.pathname.slice(BC_PATH.length).replace(/\/+$/, "");
  if (rest === "") {
    if (req.method !== "POST") return oauthError(405, "invalid_request", "Use POST");
    const hint = (await jsonBody(req))?.loginHint;
    if (typeof hint !== "string" || !EMAIL.test(hint)) {
      return oauthError(400, "invalid_request", "loginHint must be an e-mail address");
    }
    const asked = state.consents.request(clientId, hint);
    return Response.json({ loginHint: hint, state: asked.state }, {
      status: asked.created ? 201 : 200,
    });
  }
  const m = /^\/([^/]+)(\/status)?$/.exec(rest);
  if (!m) return oauthError(404, "not_found", "No such endpoint");
  const email = decodeURIComponent(m[1]);
  if (m[2] && req.method === "PUT") {
    const wanted = (await jsonBody(req))?.state;
    if (!CONSENT_STATES.includes(wanted as ConsentState)) {
      return oauthError(
        400,
        "invalid_request",
        `state must be one of ${CONSENT_STATES.join(", ")}`,
      );
    }
    if (!state.consents.set(clientId, email, wanted as ConsentState)) return unknown();
    return Response.json({ loginHint: email, state: wanted });
  }
  if (m[2] || req.method !== "GET") {
    return oauthError(405, "invalid_request", `Cannot ${req.method} ${url.pathname}`);
  }
  const current = state.consents.state(clientId, email);
  return current ? Response.json({ loginHint: email, state: current }) : unknown();
}

function unknown(): Response {
  return oauthError(404, "not_found", "No consent request for this loginHint");
}

async function jsonBody(req: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body = await req.json();
    return typeof body === "object" && body !== null ? body : undefined;
  } catch {
    return undefined;
  }
}
