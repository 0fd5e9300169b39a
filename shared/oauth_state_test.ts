import assert from "node:assert/strict";
import { signState, verifyState } from "./oauth_state.ts";
import { RequestError } from "./errors.ts";

const now = new Date("2026-11-29T10:00:00Z");
const org = { vendor: "enphase", organizationId: "0b6f3f7e-1c1a-4d1e-9a57-1d1d2f0e6a01" };

Deno.test("a signed state verifies and carries the organisation", async () => {
  const token = await signState(org, "s3cret", { now });
  const state = await verifyState(token, "s3cret", { vendor: "enphase", now });
  assert.equal(state.organizationId, org.organizationId);
  assert.equal(state.exp, now.getTime() / 1000 + 600);
});

Deno.test("a tampered state is refused", async () => {
  const token = await signState(org, "s3cret", { now });
  const [body, mac] = token.split(".");
  const forged = JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/")));
  forged.organizationId = "ffffffff-ffff-4fff-8fff-ffffffffffff";
  const forgedBody = btoa(JSON.stringify(forged)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
  for (
    const bad of [
      `${forgedBody}.${mac}`,
      `${body}.${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`,
      body,
      `${token}.x`,
      "%%%",
    ]
  ) {
    await assert.rejects(
      verifyState(bad, "s3cret", { vendor: "enphase", now }),
      /state is invalid/,
    );
  }
  await assert.rejects(
    verifyState(token, "other-secret", { vendor: "enphase", now }),
    RequestError,
  );
});

Deno.test("a state for another vendor or past its expiry is refused", async () => {
  const token = await signState(org, "s3cret", { now, ttlSeconds: 60 });
  await assert.rejects(verifyState(token, "s3cret", { vendor: "sma", now }), /state is invalid/);
  await assert.rejects(
    verifyState(token, "s3cret", { vendor: "enphase", now: new Date(now.getTime() + 61_000) }),
    /state has expired/,
  );
});
