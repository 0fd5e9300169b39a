import assert from "node:assert/strict";
import { planSiteCadences } from "./cadence_run.ts";
import { memoryStore } from "./testing/memory_store.ts";
import type { CredentialRow } from "./store.ts";
import { enphase } from "../supabase/functions/enphase/adapter.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";

const config = { lookbackHours: 2, catchUpMaxHours: 72, initialHistoryHours: 24 };

function cred(id: string, source: string, plan?: Record<string, unknown>): CredentialRow {
  return {
    id,
    organization_id: `org-${id}`,
    source,
    label: id,
    secret: "",
    status: "active",
    plan,
  };
}

async function fleet(source: string, counts: Record<string, number>, plans = {} as never) {
  const store = memoryStore(Object.keys(counts).map((id) => cred(id, source, plans[id])));
  for (const [id, n] of Object.entries(counts)) {
    await store.reconcileSites(
      store.creds.find((c) => c.id === id)!,
      Array.from({ length: n }, (_, i) => ({ vendorSiteId: `${id}-${i}` })),
    );
  }
  return store;
}

Deno.test("an app's monthly quota spaces the fetches of every site of every credential", async () => {
  // Enphase Watt: 1,000 calls a month for the app, shared by two homeowners' 3 + 3 sites.
  const store = await fleet("enphase", { a: 3, b: 3 });
  const chosen = await planSiteCadences({ spec: enphase.spec, store, config });
  assert.deepEqual([...chosen.values()].map((c) => c.hours), [24, 24]);
  for (const s of store.sites) {
    assert.equal(s.cadence_hours, 24);
    assert.match(s.cadence_note!, /^Fetched every 24 h: 6 sites share 1000 calls a month/);
  }
});

Deno.test("a vendor without a monthly quota stays hourly; a key's own cap spaces only its sites", async () => {
  const store = await fleet("solaredge", { a: 40, b: 2 }, { b: { perMonth: 2000 } } as never);
  await planSiteCadences({ spec: solaredge.spec, store, config });
  const cadence = (id: string) =>
    new Set(store.sites.filter((s) => s.credential_id === id).map((s) => s.cadence_hours));
  assert.deepEqual([...cadence("a")], [1]);
  // Hourly, 2 sites with 12-hour windows and the lookback cost over 3,000 calls a month; 2,000
  // less the reserve pays for every 3 hours.
  assert.deepEqual([...cadence("b")], [3]);
});

Deno.test("the environment's monthly limit is planned like the spec's", async () => {
  const store = await fleet("enphase", { a: 1 });
  await planSiteCadences({
    spec: enphase.spec,
    store,
    config,
    vendorConfig: { ENPHASE_PER_MONTH: "100000" },
  });
  assert.equal(store.sites[0].cadence_hours, 1);
  assert.equal(store.sites[0].cadence_note, null);
});
