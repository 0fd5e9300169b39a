/**
 * A function's queries share one pipelined connection, and a token renewal runs inside a row-lock
 * transaction that still reserves its call through that pool: the lock has connections of its
 * own (runtime.ts), so the pool's queries go on while the lock is held.
 */
import assert from "node:assert/strict";
import { connect } from "../../shared/db.ts";
import { createStore } from "../../shared/store.ts";
import { env, stackTest } from "./helpers.ts";

stackTest(
  "queries on the one-connection pool go on inside a credential's row lock",
  async (sql) => {
    const [org] =
      await sql`insert into public.organizations (name) values ('Credential lock') returning id`;
    const pool = connect(env.SUPABASE_DB_URL, { max: 1 });
    const locks = connect(env.SUPABASE_DB_URL, { max: 2 });
    try {
      const [cred] = await sql`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${org.id}, 'enphase', 'lock', 'gAAAAAlock') returning id`;
      const store = createStore(pool, locks);
      const seen = await Promise.race([
        store.withCredentialLock(cred.id, async (row) => {
          // What a renewal does under the lock: reserve its call, through the pool.
          const [n] = await pool`select count(*)::int as n from public.inverter_credentials
          where organization_id = ${org.id}`;
          return { kind: "reauth", reason: `seen ${n.n}`, result: row.label };
        }),
        new Promise<string>((_, reject) =>
          setTimeout(() => reject(new Error("the pool waited behind the lock")), 10_000)
        ),
      ]);
      assert.equal(seen, "lock");
      const [row] = await sql`
      select status, status_reason from public.inverter_credentials where id = ${cred.id}`;
      assert.deepEqual({ ...row }, { status: "needs_reauth", status_reason: "seen 1" });
    } finally {
      await Promise.all([pool.end({ timeout: 5 }), locks.end({ timeout: 5 })]);
      await sql`delete from public.organizations where id = ${org.id}`;
    }
  },
);
