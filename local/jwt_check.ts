/**
 * The JWT gate Supabase puts in front of functions with `verify_jwt = true`: a legacy HS256 JWT
 * signed with the project's JWT secret in `Authorization: Bearer …`. The answers copy the CLI's
 * edge-runtime main service (supabase/cli internal/functions/serve/templates/main.ts), including
 * its error bodies.
 */
import { decodeProtectedHeader, jwtVerify } from "jose";

/** Returns null when the request may pass, else the 401 Supabase answers with. */
export async function checkJwt(req: Request, jwtSecret: string): Promise<Response | null> {
  const header = req.headers.get("authorization");
  if (!header) return unauthorized("Error: Missing authorization header");
  const [scheme, token] = header.split(" ");
  if (scheme !== "Bearer") return unauthorized("Error: Auth header is not 'Bearer {token}'");
  return (await validJwt(token ?? "", jwtSecret)) ? null : unauthorized("Invalid JWT");
}

/** Signature and expiry under the HS256 secret; a local stack has no asymmetric keys (JWKS). */
export async function validJwt(token: string, jwtSecret: string): Promise<boolean> {
  try {
    if (decodeProtectedHeader(token).alg !== "HS256") return false;
    await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ["HS256"] });
    return true;
  } catch {
    return false;
  }
}

function unauthorized(msg: string): Response {
  return Response.json({ msg }, { status: 401 });
}
