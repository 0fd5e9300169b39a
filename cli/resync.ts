/**
 * `deno task resync <vendor> --site ID [--from ISO] [--to ISO] [--as EMAIL]`: asks the vendor's
 * function for a resync of one site exactly as a dashboard does, through supabase-js
 * `functions.invoke`: with the service key, or with `--as` a user's session (on the local stack,
 * a session the stack's auth key signs for that user). Then it asks the dispatcher to start the
 * work now instead of at the next minute, follows the jobs until they end with a progress line on
 * stderr, and prints the object keys the resync wrote.
 */
import { createClient } from "@supabase/supabase-js";
import { parseArgs } from "node:util";
import { connect } from "../shared/db.ts";
import { environment } from "../shared/config.ts";
import { isSource, SOURCES } from "../shared/vendors.ts";
import { signSession } from "../local/stack_auth.ts";
import { databaseUrl, withStackDefaults } from "./stack_defaults.ts";
import { type CliIo, processIo } from "./io.ts";

const USAGE =
  "Usage: deno task resync <vendor> --site ID [--from ISO] [--to ISO] [--as EMAIL] [--timeout-s N]\n";
const ENDED = ["succeeded", "dead"];

export async function main(
  args: string[],
  deps: { env: Record<string, string | undefined>; io: CliIo },
): Promise<number> {
  const { io } = deps;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        site: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        as: { type: "string" },
        "timeout-s": { type: "string", default: "300" },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [vendor] = parsed.positionals;
  const { site, from, to, as } = parsed.values;
  if (!isSource(vendor) || !site) {
    io.stderr(`Cannot resync: give a vendor (${SOURCES.join(", ")}) and --site\n${USAGE}`);
    return 2;
  }
  const timeoutMs = Number(parsed.values["timeout-s"]) * 1000;
  const env = withStackDefaults(deps.env);
  const sql = connect(databaseUrl(env), { max: 1 });
  try {
    let key = env.SUPABASE_SERVICE_KEY;
    let headers: Record<string, string> = {};
    if (as) {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${as}`;
      if (!user) {
        io.stderr(`Cannot resync as ${as}: no such user (add one: deno task stack user add)\n`);
        return 2;
      }
      key = env.SUPABASE_ANON_KEY;
      headers = { Authorization: `Bearer ${await signSession({ id: user.id, email: as })}` };
    }
    const client = createClient(env.SUPABASE_URL, key, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers },
    });
    const requested = new Date();
    const { data, error } = await client.functions.invoke(
      `${vendor}/sites/${encodeURIComponent(site)}/resync`,
      { method: "POST", body: { ...(from ? { from } : {}), ...(to ? { to } : {}) } },
    );
    if (error) {
      const body = await (error as { context?: Response }).context?.json?.().catch(() => ({}));
      io.stderr(`${body?.error ?? error.message}\n`);
      return 1;
    }
    const { jobIds, siteId } = data as { jobIds: string[]; siteId: string };
    io.stderr(
      `resync: ${data.from} to ${data.to} of site ${site} queued as ${jobIds.join(", ")}\n`,
    );
    await sql`select private.dispatch(${vendor})`;
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      const jobs = await sql<{ status: string; last_error: string | null }[]>`
        select status, last_error from public.sync_jobs where id = any(${jobIds}::uuid[])`;
      const counts = new Map<string, number>();
      for (const j of jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
      const line = `${jobs.length} job${jobs.length === 1 ? "" : "s"}: ${
        [...counts].map(([status, n]) => `${n} ${status}`).join(", ")
      }`;
      if (line !== last) io.stderr(`resync: ${line}\n`);
      last = line;
      if (jobs.every((j) => ENDED.includes(j.status))) {
        const dead = jobs.find((j) => j.status === "dead");
        if (dead) {
          io.stderr(`resync: a job gave up: ${dead.last_error}\n`);
          return 1;
        }
        break;
      }
      if (Date.now() > deadline) {
        io.stderr(`resync: still ${line} after ${timeoutMs / 1000} s; the jobs go on\n`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const rows = await sql<{ key: string }[]>`
      select distinct unnest(object_keys) as key from public.sync_run_sites
      where site_id = ${siteId} and finished_at >= ${requested}
      order by key`;
    for (const r of rows) io.stdout(`${r.key}\n`);
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args, { env: environment(), io: processIo() }));
