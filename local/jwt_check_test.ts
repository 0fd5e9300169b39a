import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { checkJwt } from "./jwt_check.ts";
import { stackEnv } from "./stack_env.ts";

const secret = stackEnv.JWT_SECRET;
const request = (authorization?: string) =>
  new Request("http://localhost/fn", { headers: authorization ? { authorization } : {} });

async function body(response: Response | null) {
  assert.ok(response);
  assert.equal(response.status, 401);
  return await response.json();
}

Deno.test("checkJwt lets the local anon and service keys through", async () => {
  assert.equal(await checkJwt(request(`Bearer ${stackEnv.SUPABASE_ANON_KEY}`), secret), null);
  assert.equal(await checkJwt(request(`Bearer ${stackEnv.SUPABASE_SERVICE_KEY}`), secret), null);
});

Deno.test("checkJwt answers a missing header with Supabase's message", async () => {
  assert.deepEqual(await body(await checkJwt(request(), secret)), {
    msg: "Error: Missing authorization header",
  });
});

Deno.test("checkJwt rejects a scheme other than Bearer", async () => {
  assert.deepEqual(await body(await checkJwt(request("Basic abc"), secret)), {
    msg: "Error: Auth header is not 'Bearer {token}'",
  });
});

Deno.test("checkJwt rejects a token signed with another secret", async () => {
  const token = await new SignJWT({ role: "anon" }).setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode("another-secret-another-secret-another-secret"));
  assert.deepEqual(await body(await checkJwt(request(`Bearer ${token}`), secret)), {
    msg: "Invalid JWT",
  });
});

Deno.test("checkJwt rejects an expired token", async () => {
  const token = await new SignJWT({ role: "anon" }).setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(secret));
  assert.deepEqual(await body(await checkJwt(request(`Bearer ${token}`), secret)), {
    msg: "Invalid JWT",
  });
});

Deno.test("checkJwt rejects an sb_secret_ API key, which is not a JWT", async () => {
  assert.deepEqual(await body(await checkJwt(request("Bearer sb_secret_abc"), secret)), {
    msg: "Invalid JWT",
  });
});
