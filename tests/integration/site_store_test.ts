/**
 * The site list as Postgres stores it (`reconcileSites`, one statement per listing): new sites
 * added, known ones updated without losing what the vendor left out, vanished ones inactive and
 * back again when listed, a site listed twice stored once, and a big list whole.
 */
import assert from "node:assert/strict";
import { createSiteStore } from "../../shared/stores/sites.ts";
import type { CredentialRow } from "../../shared/stores/credentials.ts";
import { stackTest } from "./helpers.ts";

stackTest(
  "a listing is stored in one go: added, updated, deactivated, reactivated",
  async (sql) => {
    const [org] =
      await sql`insert into public.organizations (name) values ('Site store') returning id`;
    try {
      const [row] = await sql<CredentialRow[]>`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${org.id}, 'solaredge', 'site-store', 'gAAAAAsitestore')
      returning id, organization_id, source, label, secret, status, plan`;
      const store = createSiteStore(sql);
      const names = async () =>
        Object.fromEntries(
          (await sql`
          select vendor_site_id, name, timezone, active from public.inverter_sites
          where credential_id = ${row.id} order by vendor_site_id`)
            .map((r) => [r.vendor_site_id, [r.name, r.timezone, r.active]]),
        );

      const first = await store.reconcileSites(row, [
        { vendorSiteId: "a", name: "Alpha", timezone: "Europe/Berlin" },
        { vendorSiteId: "b" },
        // Listed twice: the later name wins, the zone it leaves out is kept.
        { vendorSiteId: "a", name: "Alpha 2" },
      ]);
      assert.deepEqual(first.map((s) => s.vendor_site_id), ["a", "b"]);
      assert.deepEqual(await names(), {
        a: ["Alpha 2", "Europe/Berlin", true],
        b: [null, null, true],
      });

      const second = await store.reconcileSites(row, [{ vendorSiteId: "b", name: "Beta" }]);
      assert.deepEqual(second.map((s) => s.vendor_site_id), ["b"]);
      assert.deepEqual(await names(), {
        a: ["Alpha 2", "Europe/Berlin", false],
        b: ["Beta", null, true],
      });

      // Back in the list without a name: active again, with the name it had.
      await store.reconcileSites(row, [{ vendorSiteId: "a" }, { vendorSiteId: "b" }]);
      assert.deepEqual(await names(), {
        a: ["Alpha 2", "Europe/Berlin", true],
        b: ["Beta", null, true],
      });

      const many = Array.from({ length: 2_000 }, (_, i) => ({
        vendorSiteId: `s${String(i).padStart(4, "0")}`,
        name: `Site ${i}`,
        timezone: "UTC",
      }));
      const all = await store.reconcileSites(row, many);
      assert.equal(all.length, 2_000);
      assert.equal(all[1_999].name, "Site 1999");
      const [inactive] = await sql`
      select count(*)::int as n from public.inverter_sites
      where credential_id = ${row.id} and not active`;
      assert.equal(inactive.n, 2, "a and b are no longer listed");

      assert.equal(
        (await store.reconcileSites(row, [])).length,
        0,
        "an empty list leaves none active",
      );
    } finally {
      await sql`delete from public.organizations where id = ${org.id}`;
    }
  },
);
