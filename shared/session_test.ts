import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { RequestError } from "./errors.ts";
import { sessionVerifier } from "./session.ts";

const URL_ = "https://proj.example.test";
const ISS = `${URL_}/auth/v1`;
const USER = "a0000000-0000-4000-8000-000000000001";
const SECRET = "legacy-secret-with-at-least-32-characters!";

async function keys() {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  return { privateKey, jwks: JSON.stringify({ keys: [jwk] }) };
}

function claims(over: Record<string, unknown> = {}) {
  return { sub: USER, role: "authenticated", email: "ana@example.test", ...over };
}

async function es256(
  privateKey: CryptoKey,
  over: Record<string, unknown> = {},
  o: { iss?: string; aud?: string; exp?: string | number; kid?: string } = {},
) {
  return await new SignJWT(claims(over))
    .setProtectedHeader({ alg: "ES256", kid: o.kid ?? "k1" })
    .setIssuer(o.iss ?? ISS)
    .setAudience(o.aud ?? "authenticated")
    .setIssuedAt()
    .setExpirationTime(o.exp ?? "1h")
    .sign(privateKey);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RequestError, String(e));
    assert.equal(e.status, 401);
    return e.message;
  }
  assert.fail("accepted");
}

Deno.test("a session signed by a key of the project's JWKS names its user", async () => {
  const { privateKey, jwks } = await keys();
  const verify = sessionVerifier({ supabaseUrl: URL_, jwks });
  const session = await verify(`Bearer ${await es256(privateKey)}`);
  assert.deepEqual(session, { userId: USER, email: "ana@example.test" });
});

Deno.test("forged, expired, unsigned, foreign and wrong-audience tokens get a 401 that says why", async () => {
  const { privateKey, jwks } = await keys();
  const other = await keys();
  const verify = sessionVerifier({ supabaseUrl: URL_, jwks });
  const good = await es256(privateKey);
  const [h, p] = good.split(".");
  const forgedPayload = btoa(JSON.stringify({ ...claims(), sub: crypto.randomUUID() }))
    .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  assert.match(
    await refusal(verify(`Bearer ${h}.${forgedPayload}.${good.split(".")[2]}`)),
    /signature does not verify/,
  );
  assert.match(
    await refusal(
      verify(`Bearer ${await es256(privateKey, {}, { exp: Math.floor(Date.now() / 1000) - 60 })}`),
    ),
    /has expired/,
  );
  const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${p}.`;
  assert.match(await refusal(verify(`Bearer ${none}`)), /algorithm none is not accepted/);
  assert.match(
    await refusal(verify(`Bearer ${await es256(other.privateKey, {}, { kid: "k9" })}`)),
    /key that is not in the project's JWKS/,
  );
  assert.match(
    await refusal(verify(`Bearer ${await es256(other.privateKey)}`)),
    /signature does not verify/,
  );
  assert.match(
    await refusal(verify(`Bearer ${await es256(privateKey, {}, { aud: "service" })}`)),
    /the token's aud is not this project's/,
  );
  assert.match(
    await refusal(
      verify(`Bearer ${await es256(privateKey, {}, { iss: "https://evil.test/auth/v1" })}`),
    ),
    /the token's iss is not this project's/,
  );
  assert.match(
    await refusal(verify(`Bearer ${await es256(privateKey, { role: "service_role" })}`)),
    /not a signed-in user's/,
  );
  assert.match(await refusal(verify(undefined)), /Authorization: Bearer/);
  assert.match(await refusal(verify("Bearer nonsense")), /not a JWT/);
});

Deno.test("a legacy HS256 session passes only where the project keeps its secret", async () => {
  const token = await new SignJWT(claims())
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISS)
    .setAudience("authenticated")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(SECRET));
  const { jwks } = await keys();
  const legacy = sessionVerifier({ supabaseUrl: URL_, jwks, legacySecret: SECRET });
  assert.equal((await legacy(`Bearer ${token}`)).userId, USER);
  const modern = sessionVerifier({ supabaseUrl: URL_, jwks });
  assert.match(
    await refusal(modern(`Bearer ${token}`)),
    /HS256, which this project does not accept/,
  );
  const wrong = sessionVerifier({ supabaseUrl: URL_, jwks, legacySecret: `${SECRET}x` });
  assert.match(await refusal(wrong(`Bearer ${token}`)), /signature does not verify/);
});

Deno.test("without SUPABASE_JWKS the keys come from the project's JWKS endpoint, once", async () => {
  const { privateKey, jwks } = await keys();
  const asked: string[] = [];
  const verify = sessionVerifier({
    supabaseUrl: `${URL_}/`,
    fetch: ((url: string | URL) => {
      asked.push(String(url));
      return Promise.resolve(
        new Response(jwks, { headers: { "content-type": "application/json" } }),
      );
    }) as typeof fetch,
  });
  await verify(`Bearer ${await es256(privateKey)}`);
  await verify(`Bearer ${await es256(privateKey)}`);
  assert.deepEqual(asked, [`${ISS}/.well-known/jwks.json`]);
});
