/**
 * The token lifecycle with an in-memory store and a vendor whose renewals are counted: one renewal
 * per credential across concurrent invocations, reuse after the lock, needs_reauth on a refused
 * grant, nothing stored when the process dies before the commit.
 */
import assert from "node:assert/strict";
import { TokenManager } from "./token_manager.ts";
import { FatalCredentialError } from "./errors.ts";
import { generateKey } from "./fernet.ts";
import { Keyring } from "./keyring.ts";
import { memoryStore } from "./testing/memory_store.ts";
import type { Adapter } from "./types.ts";

type Doc = { accessToken: string; refreshToken: string; expiresAt: string };
const NOW = new Date("2026-11-29T10:00:00Z");

function vendor(options: { refuse?: boolean } = {}) {
  let renewals = 0;
  let gen = 0;
  const adapter = {
    spec: { source: "enphase" },
    parseSecret: (d: unknown) => ({ secret: d as Doc, sensitive: [(d as Doc).accessToken] }),
    authHeaders: () => ({}),
    tokens: {
      current: (s: Doc) => ({ accessToken: s.accessToken, expiresAt: new Date(s.expiresAt) }),
      marginSeconds: 300,
      async renew(_call: unknown, s: Doc): Promise<Doc> {
        renewals++;
        await new Promise((r) => setTimeout(r, 20)); // the vendor takes a moment
        if (options.refuse) {
          throw new FatalCredentialError("Enphase refused the grant: Invalid refresh token");
        }
        gen++;
        return {
          accessToken: `access-${gen}`,
          refreshToken: `${s.refreshToken}>r${gen}`,
          expiresAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
        };
      },
    },
  } as unknown as Adapter<Doc>;
  return { adapter, renewals: () => renewals };
}

async function setup(expiresAt: Date, options: { refuse?: boolean } = {}) {
  const keyring = Keyring.parse(generateKey());
  const doc: Doc = {
    accessToken: "access-0",
    refreshToken: "r0",
    expiresAt: expiresAt.toISOString(),
  };
  const store = memoryStore([{
    id: "c1",
    organization_id: "o1",
    source: "enphase",
    label: "x",
    secret: await keyring.encrypt(JSON.stringify(doc)),
    status: "active",
  }]);
  const v = vendor(options);
  const manager = (beforeCommit?: () => void) =>
    new TokenManager(doc, {
      adapter: v.adapter,
      credentialId: "c1",
      store,
      keyring,
      vendorConfig: {},
      call: () => Promise.reject(new Error("unused")),
      now: () => NOW,
      onSecret: () => {},
      beforeCommit,
    });
  const stored = async () => JSON.parse(await keyring.decrypt(store.creds[0].secret)) as Doc;
  return { store, v, manager, stored };
}

Deno.test("two invocations racing on an expiring credential renew exactly once and both proceed", async () => {
  const { v, manager, stored } = await setup(new Date(NOW.getTime() + 60_000));
  const a = manager();
  const b = manager();
  await Promise.all([a.ensureFresh(), b.ensureFresh()]);
  assert.equal(v.renewals(), 1);
  assert.equal(a.accessToken(), "access-1");
  assert.equal(b.accessToken(), "access-1");
  assert.equal((await stored()).refreshToken, "r0>r1");
});

Deno.test("a token far from expiry is used as it is", async () => {
  const { v, manager } = await setup(new Date(NOW.getTime() + 3_600_000));
  const m = manager();
  await m.ensureFresh();
  assert.equal(v.renewals(), 0);
  assert.equal(m.accessToken(), "access-0");
});

Deno.test("after a 401 the token is renewed even though it had not expired", async () => {
  const { v, manager, store } = await setup(new Date(NOW.getTime() + 3_600_000));
  const m = manager();
  await m.renew("access-0");
  assert.equal(v.renewals(), 1);
  assert.equal(m.accessToken(), "access-1");
  assert.ok(store.tokenExpiry.get("c1"));
  // A second caller still holding the old token reuses the stored one.
  await m.renew("access-0");
  assert.equal(v.renewals(), 1);
});

Deno.test("a refused grant sets needs_reauth with the vendor's message and later calls stop", async () => {
  const { v, manager, store } = await setup(new Date(NOW.getTime() - 1000), { refuse: true });
  await assert.rejects(manager().ensureFresh(), /Invalid refresh token/);
  assert.equal(store.creds[0].status, "needs_reauth");
  assert.match(store.credentialStatus.get("c1")!.reason!, /refused the grant/);
  await assert.rejects(manager().ensureFresh(), /Credential is needs_reauth/);
  assert.equal(v.renewals(), 1);
});

Deno.test("dying between the vendor's rotation and the commit stores nothing", async () => {
  const { manager, stored } = await setup(new Date(NOW.getTime() - 1000));
  await assert.rejects(
    manager(() => {
      throw new Error("process died");
    }).ensureFresh(),
    /process died/,
  );
  assert.equal((await stored()).refreshToken, "r0");
});
