/**
 * A dashboard user's session, checked in code: the vendor functions keep `verify_jwt = false`
 * (pg_net sends a key, not a JWT), so the routes that act for a signed-in user verify the access
 * token themselves, as Supabase recommends for asymmetric signing keys. The keys are the project's
 * JWKS (`SUPABASE_JWKS` when the platform provides it, else `<SUPABASE_URL>/auth/v1/.well-known/
 * jwks.json`, fetched once and cached by jose), and the legacy HS256 secret where a project still
 * signs with one. Signature, expiry, issuer, audience and role are checked by jose; nothing is
 * decoded by hand. Every refusal is a 401 that says what was wrong, never the token.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { RequestError } from "./errors.ts";
import { isUuid } from "./uuid.ts";

export interface Session {
  userId: string;
  email?: string;
}

export interface SessionOptions {
  supabaseUrl: string;
  /** SUPABASE_JWKS: the project's public keys as a JWKS document (JSON). */
  jwks?: string;
  /** The legacy HS256 JWT secret, for projects that still sign sessions with it. */
  legacySecret?: string;
  /** How the remote JWKS is fetched (tests inject one). */
  fetch?: typeof fetch;
}

/** Asymmetric algorithms Supabase signs sessions with. */
const ASYMMETRIC = ["ES256", "RS256", "EdDSA"];

export function sessionVerifier(options: SessionOptions) {
  const issuer = `${options.supabaseUrl.replace(/\/+$/, "")}/auth/v1`;
  let keys: JWTVerifyGetKey | undefined;
  const keySet = (): JWTVerifyGetKey => {
    if (keys) return keys;
    if (options.jwks) {
      let parsed: JSONWebKeySet;
      try {
        parsed = JSON.parse(options.jwks);
      } catch {
        throw new Error("Cannot verify sessions: SUPABASE_JWKS is not a JSON key set");
      }
      keys = createLocalJWKSet(parsed);
    } else {
      keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
        cacheMaxAge: 10 * 60_000,
        ...(options.fetch ? { [customFetch]: options.fetch } : {}),
      });
    }
    return keys;
  };
  const secret = options.legacySecret ? new TextEncoder().encode(options.legacySecret) : undefined;

  /** The user of `Authorization: Bearer <access token>`, or a 401 naming the problem. */
  return async function verify(authorization: string | null | undefined): Promise<Session> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) refuse("send the user's access token as Authorization: Bearer <token>");
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      refuse("the token is not a JWT");
    }
    const claims = { issuer, audience: "authenticated" };
    let payload;
    try {
      if (alg === "HS256") {
        if (!secret) refuse("the token is signed with HS256, which this project does not accept");
        ({ payload } = await jwtVerify(token, secret, { ...claims, algorithms: ["HS256"] }));
      } else {
        ({ payload } = await jwtVerify(token, keySet(), { ...claims, algorithms: ASYMMETRIC }));
      }
    } catch (error) {
      if (error instanceof RequestError) throw error;
      refuse(reason(error, alg));
    }
    if (payload.role !== "authenticated") refuse("the token is not a signed-in user's");
    if (!isUuid(payload.sub)) refuse("the token names no user");
    return {
      userId: payload.sub,
      email: typeof payload.email === "string" ? payload.email : undefined,
    };
  };
}

function reason(error: unknown, alg: string | undefined): string {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "the token has expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return `the token's ${claim ?? "claims"} is not this project's`;
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return `the token's algorithm ${alg ?? "(none)"} is not accepted`;
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "the token is signed by a key that is not in the project's JWKS";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "the token's signature does not verify";
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JOSE_GENERIC":
      return "the project's JWKS cannot be read";
    default:
      return "the token is not valid";
  }
}

function refuse(detail: string): never {
  throw new RequestError(401, `Cannot verify the session: ${detail}`);
}
