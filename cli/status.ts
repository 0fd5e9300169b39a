/**
 * `deno task status [--org ORG] [--vendor VENDOR] [--json]`: every active site's health from the
 * `site_health` view, worst first (needs re-authorisation, failing, late, fresh; the longest lag
 * first within each), with the next action for each problem and a summary line. Reads the
 * configured database (the local stack's by default, as the other CLIs).
 */
import { parseArgs } from "node:util";
import { environment } from "../shared/config.ts";
import { connect, type Sql } from "../shared/db.ts";
import { isUuid } from "../shared/uuid.ts";
import { isSource, SOURCES } from "../shared/vendors.ts";
import { databaseUrl, withStackDefaults } from "./stack_defaults.ts";
import { type CliIo, processIo } from "./io.ts";

const USAGE = "Usage: deno task status [--org ORG] [--vendor VENDOR] [--json]\n";

export interface SiteHealth {
  organization: string;
  source: string;
  vendor_site_id: string;
  name: string | null;
  state: "needs_reauth" | "failing" | "late" | "fresh";
  lag_minutes: number | null;
  cadence_hours: number;
  /** Core-daylight intervals of the last 24 hours that hold a reading, 0 to 1 (site_health). */
  daylight_completeness_24h: number | null;
  month_calls_used: number | null;
  month_call_limit: number | null;
  next_action: string | null;
}

export async function main(
  args: string[],
  deps: { env: Record<string, string | undefined>; io: CliIo },
): Promise<number> {
  const { io } = deps;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        org: { type: "string" },
        vendor: { type: "string" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.vendor !== undefined && !isSource(values.vendor)) {
    io.stderr(`Cannot show status: --vendor must be one of ${SOURCES.join(", ")}\n`);
    return 2;
  }
  let sql: Sql | undefined;
  try {
    sql = connect(databaseUrl(withStackDefaults(deps.env)), { max: 1 });
    const rows = await readHealth(sql, values.org, values.vendor);
    io.stdout(values.json ? `${JSON.stringify(rows)}\n` : renderStatus(rows));
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await sql?.end({ timeout: 5 });
  }
}

async function readHealth(sql: Sql, org?: string, vendor?: string): Promise<SiteHealth[]> {
  const byId = org !== undefined && isUuid(org);
  return await sql<SiteHealth[]>`
    select o.name as organization, h.source, h.vendor_site_id, h.name, h.state,
      floor(extract(epoch from h.lag) / 60)::int as lag_minutes, h.cadence_hours,
      h.daylight_completeness_24h::float8 as daylight_completeness_24h, h.month_calls_used,
      h.month_call_limit, h.next_action
    from public.site_health h
    join public.organizations o on o.id = h.organization_id
    where (${org ?? null}::text is null
        or (${byId} and h.organization_id::text = ${org ?? ""}) or o.name = ${org ?? ""})
      and (${vendor ?? null}::text is null or h.source = ${vendor ?? ""})
    order by h.rank, h.lag desc nulls first, o.name, h.source, h.vendor_site_id`;
}

const LABEL: Record<SiteHealth["state"], string> = {
  needs_reauth: "REAUTH",
  failing: "FAILING",
  late: "LATE",
  fresh: "fresh",
};

/** The table, worst first as the rows come, and the summary line. */
export function renderStatus(rows: SiteHealth[]): string {
  const lines = rows.map((r) => [
    LABEL[r.state],
    r.organization,
    r.source,
    r.vendor_site_id,
    lag(r.lag_minutes),
    r.cadence_hours === 1 ? "hourly" : `${r.cadence_hours} h`,
    r.daylight_completeness_24h === null
      ? "-"
      : `${Math.floor(r.daylight_completeness_24h * 100)} %`,
    r.month_call_limit === null ? "-" : `${r.month_calls_used}/${r.month_call_limit}`,
    r.next_action ?? "",
  ]);
  const head = [
    "STATE",
    "ORGANISATION",
    "VENDOR",
    "SITE",
    "LAG",
    "CADENCE",
    "DAYLIGHT 24H",
    "MONTH CALLS",
    "NEXT ACTION",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd();
  const count = (state: SiteHealth["state"]) => rows.filter((r) => r.state === state).length;
  const summary = `${rows.length} sites: ${count("fresh")} fresh, ${count("late")} late, ` +
    `${count("failing")} failing, ${count("needs_reauth")} needing re-authorisation`;
  return [format(head), ...lines.map(format), summary].join("\n") + "\n";
}

function lag(minutes: number | null): string {
  if (minutes === null) return "never";
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return h < 48 ? `${h} h ${minutes % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

if (import.meta.main) Deno.exit(await main(Deno.args, { env: environment(), io: processIo() }));
