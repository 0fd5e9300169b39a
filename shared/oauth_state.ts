/**
 * The OAuth `state` parameter: which organisation (or credential) an authorisation is for, signed
 * with HMAC-SHA256 and expiring, so a callback cannot be forged, replayed later or pointed at
 * another organisation.
 */
import { RequestError } from "./errors.ts";

export interface OAuthState {
  vendor: string;
  organizationId: string;
  credentialId?: string;
  label?: string;
  /** Expiry, epoch seconds. */
  exp: number;
  nonce: string;
}

const enc = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    enc.encode(`oauth-state:${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(
    atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)),
    (c) => c.charCodeAt(0),
  );
}

export async function signState(
  state: Omit<OAuthState, "exp" | "nonce">,
  secret: string,
  options: { now: Date; ttlSeconds?: number },
): Promise<string> {
  const full: OAuthState = {
    ...state,
    exp: Math.floor(options.now.getTime() / 1000) + (options.ttlSeconds ?? 600),
    nonce: b64url(crypto.getRandomValues(new Uint8Array(12))),
  };
  const body = b64url(enc.encode(JSON.stringify(full)));
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(body)),
  );
  return `${body}.${b64url(mac)}`;
}

export async function verifyState(
  token: string,
  secret: string,
  expected: { vendor: string; now: Date },
): Promise<OAuthState> {
  const invalid = new RequestError(400, "Cannot complete the authorisation: the state is invalid");
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) throw invalid;
  let ok = false;
  try {
    ok = await crypto.subtle.verify(
      "HMAC",
      await hmacKey(secret),
      fromB64url(mac),
      enc.encode(body),
    );
  } catch {
    throw invalid;
  }
  if (!ok) throw invalid;
  const state = JSON.parse(new TextDecoder().decode(fromB64url(body))) as OAuthState;
  if (state.vendor !== expected.vendor) throw invalid;
  if (state.exp * 1000 <= expected.now.getTime()) {
    throw new RequestError(
      400,
      "Cannot complete the authorisation: the state has expired, start again",
    );
  }
  return state;
}
