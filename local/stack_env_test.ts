import assert from "node:assert/strict";
import { jwtVerify } from "jose";
import { stackEnv } from "./stack_env.ts";

const secret = new TextEncoder().encode(stackEnv.JWT_SECRET);

Deno.test("stackEnv API keys are HS256 JWTs signed with JWT_SECRET carrying their role", async () => {
  for (
    const [name, role] of [["SUPABASE_ANON_KEY", "anon"], ["SUPABASE_SERVICE_KEY", "service_role"]]
  ) {
    const { payload, protectedHeader } = await jwtVerify(stackEnv[name], secret, {
      algorithms: ["HS256"],
    });
    assert.equal(protectedHeader.alg, "HS256");
    assert.equal(payload.role, role, name);
  }
});

Deno.test("stackEnv ENCRYPTION_KEY is a Fernet key: 32 bytes, urlsafe base64 with padding", () => {
  const key = stackEnv.ENCRYPTION_KEY;
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  const bytes = Uint8Array.from(
    atob(key.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
  assert.equal(bytes.length, 32);
});

Deno.test("stackEnv is frozen so no caller can change the shared values", () => {
  assert.ok(Object.isFrozen(stackEnv));
});

Deno.test("readPortOffset shifts the ports only by a whole number the caller chose", async () => {
  const { readPortOffset } = await import("./stack_env.ts");
  assert.equal(readPortOffset(undefined), 0);
  assert.equal(readPortOffset(""), 0);
  assert.equal(readPortOffset("100"), 100);
  assert.equal(readPortOffset("-30000"), -30000);
  for (const bad of ["-60000", "1.5", "abc", "20000"]) {
    assert.throws(
      () => readPortOffset(bad),
      new RegExp(`Cannot use LOCAL_STACK_PORT_OFFSET=${bad}: it must be a whole number`),
    );
  }
});
