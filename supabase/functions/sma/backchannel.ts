/**
 * SMA's "custom" (backchannel) consent flow for B2B integrations, where the plant owner is not at
 * the screen: the app asks with its own `client_credentials` token, SMA e-mails the owner, and the
 * app polls the state (vendors.md §3.2, marked UNCERTAIN there: paths from a public Java client and
 * a discovery doc, host `async-auth.smaapis.de` unconfirmed, hence `SMA_BC_URL`).
 * SMA spells the states capitalised (`Pending`, `Accepted`; `Rejected`, `Expired`, `Revoked` by the
 * same convention, vendors.md "Corrections, December 2026", SMA). They are compared without
 * regard to case and handed on in lower case, the spelling of `ConsentState`.
 * Assumption: after "Accepted" the app's client_credentials token reads that owner's plants. There
 * is no refresh token, so a backchannel credential renews by asking for a new client token and
 * re-checking the consent, which turns a revoked consent into a fatal credential error instead of
 * a silently empty plant list.
 * Caution: nothing in a client token names the owner, so it reads the plants of EVERY owner who
 * consented to this SMA client. A backchannel credential therefore spans the app, not one owner:
 * organisations must not share an SMA client through this flow.
 */
import { BadRecordError, FatalCredentialError, RequestError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import type { TokenCall, VendorConfig } from "../../../shared/types.ts";
import type { SmaSecret } from "./adapter.ts";
import { bcUrl, requestToken } from "./token_request.ts";

export type ConsentState = "pending" | "accepted" | "rejected" | "expired" | "revoked";

const STATES: readonly ConsentState[] = ["pending", "accepted", "rejected", "expired", "revoked"];

/** What an operator should hear for a consent that will not turn into access. */
const REFUSALS: Record<Exclude<ConsentState, "pending" | "accepted">, string> = {
  rejected: "the plant owner rejected the consent request in SMA's e-mail",
  expired: "the plant owner did not answer SMA's consent e-mail in time",
  revoked: "the plant owner revoked this app's access",
};

/** Why a consent gives no access, for the credential's status reason; ask again to fix it. */
export function consentProblem(state: ConsentState | undefined): string {
  if (state === undefined) return "SMA has no consent request on record for this owner";
  if (state === "pending") return "the plant owner has not answered SMA's consent e-mail yet";
  if (state === "accepted") return "the plant owner accepted";
  return `${REFUSALS[state]}: request the consent again`;
}
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const smaBackchannel = {
  /** Asks SMA to e-mail `email` for consent to this app; the state then reads "pending". */
  async request(call: TokenCall, vendor: VendorConfig, email: string): Promise<void> {
    checked(email);
    const token = await clientToken(call, vendor, "request SMA consent");
    const result = await call({
      url: `${bcUrl(vendor)}/oauth2/v2/bc-authorize`,
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ loginHint: email }),
      label: "SMA /oauth2/v2/bc-authorize",
      acceptStatuses: [400, 404, 409],
    });
    if (result.status >= 400) {
      throw new BadRecordError(
        `Cannot request SMA consent: received HTTP ${result.status}${vendorDetail(result.text)}`,
        { status: result.status },
      );
    }
  },

  /** The owner's answer so far; BadRecordError when SMA has no request for `email`. */
  async status(call: TokenCall, vendor: VendorConfig, email: string): Promise<ConsentState> {
    checked(email);
    const token = await clientToken(call, vendor, "read SMA consent state");
    const state = await consentState(call, vendor, token, email);
    if (state === undefined) {
      throw new BadRecordError(
        "Cannot read SMA consent state: SMA has no consent request for this login hint",
        { status: 404 },
      );
    }
    return state;
  },

  /** The credential document for an owner who accepted; fatal unless the state is "accepted". */
  async tokenFor(call: TokenCall, vendor: VendorConfig, email: string): Promise<SmaSecret> {
    const action = "get SMA backchannel access";
    checked(email);
    const token = await requestToken(call, vendor, { grant_type: "client_credentials" }, action);
    const state = await consentState(call, vendor, token.accessToken, email);
    if (state !== "accepted") {
      throw new FatalCredentialError(`Cannot ${action}: ${consentProblem(state)}`);
    }
    return {
      flow: "backchannel",
      loginHint: email,
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
    };
  },
};

async function clientToken(call: TokenCall, vendor: VendorConfig, action: string) {
  const token = await requestToken(call, vendor, { grant_type: "client_credentials" }, action);
  return token.accessToken;
}

async function consentState(
  call: TokenCall,
  vendor: VendorConfig,
  token: string,
  email: string,
): Promise<ConsentState | undefined> {
  const label = "SMA /oauth2/v2/bc-authorize/{loginHint}";
  const result = await call({
    url: `${bcUrl(vendor)}/oauth2/v2/bc-authorize/${encodeURIComponent(email)}`,
    headers: { ...bearer(token), accept: "application/json" },
    label,
    acceptStatuses: [404],
  });
  if (result.status === 404) return undefined;
  const body = parseJson(result, label) as { state?: unknown } | null;
  const state = body?.state;
  const known = typeof state === "string"
    ? STATES.find((s) => s === state.trim().toLowerCase())
    : undefined;
  if (!known) {
    throw new BadRecordError(`Cannot read ${label}: unknown state ${JSON.stringify(state)}`);
  }
  return known;
}

function checked(email: string): void {
  if (typeof email !== "string" || !EMAIL.test(email)) {
    throw new RequestError(400, "Cannot ask SMA for consent: the login hint must be an e-mail");
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** SMA's own words from an error body, short, or nothing when it sent none. */
function vendorDetail(text: string): string {
  try {
    const body = JSON.parse(text);
    const words = body?.error_description ?? body?.detail ?? body?.error ?? body?.message;
    return typeof words === "string" ? `: ${words.slice(0, 200)}` : "";
  } catch {
    return "";
  }
}
