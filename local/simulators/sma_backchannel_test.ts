import assert from "node:assert/strict";
import { PENDING_MS } from "./sma_consents.ts";
import { ALICE, BOB, setupSim } from "./sma_testing.ts";

function bc(request: ReturnType<typeof setupSim>["request"], token?: string) {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const json = { ...auth, "content-type": "application/json" };
  return {
    ask: (loginHint: unknown) =>
      request("/oauth2/v2/bc-authorize", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ loginHint }),
      }),
    state: (email: string) =>
      request(`/oauth2/v2/bc-authorize/${encodeURIComponent(email)}`, { headers: auth }),
    answer: (email: string, state: string) =>
      request(`/oauth2/v2/bc-authorize/${encodeURIComponent(email)}/status`, {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ state }),
      }),
  };
}

Deno.test("SMA sim's bc-authorize wants a client token, not none and not an owner's", async () => {
  const { request, ownerTokens } = setupSim();
  const none = await bc(request).ask(ALICE.email);
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error, "invalid_token");
  const owner = await bc(request, (await ownerTokens()).access_token).ask(ALICE.email);
  assert.equal(owner.status, 403);
  assert.equal((await owner.json()).error, "access_denied");
});

Deno.test("SMA sim's consent goes Pending, then Accepted (capitalised), and opens the owner's plants", async () => {
  const { request, clientToken, get } = setupSim();
  const token = await clientToken();
  const api = bc(request, token);
  assert.deepEqual(await (await get("/v1/plants", token)).json(), { plants: [] });
  const asked = await api.ask(ALICE.email);
  assert.equal(asked.status, 201);
  assert.deepEqual(await asked.json(), { loginHint: ALICE.email, state: "Pending" });
  const repeated = await api.ask(ALICE.email);
  assert.equal(repeated.status, 200);
  assert.deepEqual(await (await api.state(ALICE.email)).json(), {
    loginHint: ALICE.email,
    state: "Pending",
  });
  assert.equal((await api.answer(ALICE.email, "Accepted")).status, 200);
  const plants = (await (await get("/v1/plants", token)).json()).plants;
  assert.deepEqual(plants.map((p: { plantId: string }) => p.plantId), ["5001"]);
  // Bob never consented: his plant stays out of reach for this client.
  assert.equal((await get("/v1/plants/6001", token)).status, 403);
});

Deno.test("SMA sim's consent can be rejected, revoked by the owner, or expire unanswered", async () => {
  const { sim, request, clientToken, get, advance } = setupSim();
  const token = await clientToken();
  const api = bc(request, token);
  await api.ask(ALICE.email);
  await api.answer(ALICE.email, "Rejected");
  assert.equal((await (await api.state(ALICE.email)).json()).state, "Rejected");
  assert.equal((await api.ask(ALICE.email)).status, 201);
  await api.answer(ALICE.email, "Accepted");
  sim.revokeOwner(ALICE.email);
  assert.equal((await (await api.state(ALICE.email)).json()).state, "Revoked");
  assert.deepEqual(await (await get("/v1/plants", token)).json(), { plants: [] });
  await api.ask(BOB.email);
  advance(PENDING_MS);
  const later = await clientToken();
  assert.equal((await (await bc(request, later).state(BOB.email)).json()).state, "Expired");
});

Deno.test("SMA sim's bc-authorize rejects bad hints and states and unknown requests", async () => {
  const { request, clientToken } = setupSim();
  const api = bc(request, await clientToken());
  for (const hint of [undefined, "", "not-an-email", 42]) {
    const res = await api.ask(hint);
    assert.equal(res.status, 400, String(hint));
    assert.equal((await res.json()).error, "invalid_request");
  }
  assert.equal((await api.state("nobody@example.com")).status, 404);
  assert.equal((await api.answer("nobody@example.com", "Accepted")).status, 404);
  await api.ask(ALICE.email);
  const bad = await api.answer(ALICE.email, "maybe");
  assert.equal(bad.status, 400);
  // SMA spells its states capitalised (vendors.md Corrections): the switch takes that spelling.
  assert.equal((await api.answer(ALICE.email, "accepted")).status, 400);
  assert.match(
    (await bad.json()).error_description,
    /Pending, Accepted, Rejected, Expired, Revoked/,
  );
});
