/**
 * The local stack's auth keys, as a hosted project's asymmetric signing keys: one ES256 key pair,
 * made on first use and kept in `.local/stack/auth_signing_key.json` (mode 600, gitignored). The
 * gateway serves its public half at `/auth/v1/.well-known/jwks.json`, and `deno task stack user
 * add` signs user sessions with it, so tests and the demo reach the functions with real sessions
 * on the same path as a hosted project (shared/session.ts verifies them).
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { stackEnv } from "./stack_env.ts";
import { stackPaths } from "./stack_paths.ts";

export const jwksPath = "/auth/v1/.well-known/jwks.json";
const keyFile = `${stackPaths.state}/auth_signing_key.json`;
const KID = "local-stack-es256";

let cached: Promise<{ privateJwk: JWK; publicJwk: JWK }> | undefined;

function signingKey() {
  cached ??= (async () => {
    try {
      const privateJwk = JSON.parse(await Deno.readTextFile(keyFile)) as JWK;
      return { privateJwk, publicJwk: publicHalf(privateJwk) };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: "ES256", use: "sig" };
    await Deno.mkdir(stackPaths.state, { recursive: true });
    // A key another process wrote meanwhile wins: createNew fails, and that one is read.
    try {
      await Deno.writeTextFile(keyFile, JSON.stringify(privateJwk), {
        createNew: true,
        mode: 0o600,
      });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const written = JSON.parse(await Deno.readTextFile(keyFile)) as JWK;
      return { privateJwk: written, publicJwk: publicHalf(written) };
    }
    return { privateJwk, publicJwk: publicHalf(privateJwk) };
  })();
  return cached;
}

function publicHalf(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  return rest;
}

/** The JWKS document the gateway serves. */
export async function jwks(): Promise<{ keys: JWK[] }> {
  return { keys: [(await signingKey()).publicJwk] };
}

/** An access token for a signed-in user, as Supabase Auth issues one. */
export async function signSession(
  user: { id: string; email: string },
  ttlSeconds = 3600,
): Promise<string> {
  const { privateJwk } = await signingKey();
  const key = await importJWK(privateJwk, "ES256");
  return await new SignJWT({ email: user.email, role: "authenticated", aal: "aal1" })
    .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid ?? KID, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(`${stackEnv.SUPABASE_URL}/auth/v1`)
    .setAudience("authenticated")
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key);
}
