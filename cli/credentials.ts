/**
 * `deno task credentials add|list|disable`: how an operator registers a customer's vendor access.
 *
 *   add --org ORG --source solaredge --label LABEL [--discover]   secret on stdin or a prompt
 *   list [--source SOURCE]                                        never prints secrets
 *   disable CREDENTIAL_ID
 *   reencrypt [--source SOURCE]                                   after a key rotation
 *   sites [--source SOURCE]                       sites and their time zones (site_zones.ts)
 *   timezone SITE ZONE [--source SOURCE]          sets a site's IANA time zone by hand
 *
 * `--org` takes an organisation id, or a name that is created when it does not exist yet. Adding
 * a label that exists replaces its secret and re-activates it (how a rotated key is installed).
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../shared/config.ts";
import { discoverSites } from "../shared/discover_sites.ts";
import { connect, type Sql } from "../shared/db.ts";
import { Keyring } from "../shared/keyring.ts";
import { createLogger } from "../shared/logger.ts";
import { createStore, type CredentialRow } from "../shared/store.ts";
import { adapterFor } from "./adapters.ts";
import { type CliIo, processIo } from "./io.ts";
import { readSecret } from "./secret_input.ts";
import { listSites, setTimeZone } from "./site_zones.ts";
import { resolveOrganization } from "../shared/stores/organizations.ts";
import { isUuid } from "../shared/uuid.ts";

const USAGE =
  "Usage: deno task credentials add --org ORG --source SOURCE --label LABEL [--discover]\n" +
  "       deno task credentials list [--source SOURCE]\n" +
  "       deno task credentials disable CREDENTIAL_ID\n" +
  "       deno task credentials reencrypt [--source SOURCE]\n" +
  "       deno task credentials sites [--source SOURCE]\n" +
  "       deno task credentials timezone SITE ZONE [--source SOURCE]\n";

export interface CredentialsDeps {
  env: Record<string, string | undefined>;
  io: CliIo;
  stdinIsTerminal: boolean;
}

export async function main(args: string[], deps: CredentialsDeps): Promise<number> {
  const { io } = deps;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        org: { type: "string" },
        source: { type: "string" },
        label: { type: "string" },
        discover: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (!["add", "list", "disable", "reencrypt", "sites", "timezone"].includes(command ?? "")) {
    io.stderr(USAGE);
    return 2;
  }
  let sql: Sql | undefined;
  try {
    const config = loadConfig(deps.env, { service: false });
    sql = connect(config.dbUrl, { max: 1 });
    if (command === "list") return await list(sql, io, parsed.values.source);
    if (command === "disable") return await disable(sql, io, rest[0]);
    if (command === "sites") return await listSites(sql, io, parsed.values.source);
    if (command === "timezone") {
      return await setTimeZone(sql, io, rest[0], rest[1], parsed.values.source);
    }
    if (command === "reencrypt") {
      const keyring = Keyring.parse(config.encryptionKeys);
      return await reencrypt(sql, keyring, io, parsed.values.source);
    }
    const { org, source, label, discover } = parsed.values;
    if (!org || !source || !label) {
      io.stderr(`Cannot add a credential: --org, --source and --label are required\n${USAGE}`);
      return 2;
    }
    const adapter = adapterFor(source);
    const document = await readSecret(io.stdin, deps.stdinIsTerminal);
    adapter.parseSecret(document);
    const keyring = Keyring.parse(config.encryptionKeys);
    const token = await keyring.encrypt(JSON.stringify(document));
    const orgId = await resolveOrg(sql, org, io);
    const [row] = await sql<CredentialRow[]>`
      insert into public.inverter_credentials (organization_id, source, label, secret)
      values (${orgId}, ${source}, ${label}, ${token})
      on conflict (organization_id, source, label) do update
      set secret = excluded.secret, status = 'active', status_reason = null, updated_at = now()
      returning id, organization_id, source, label, secret, status`;
    io.stdout(`Stored credential ${row.id} (${source}, "${label}") for organisation ${orgId}\n`);
    if (!discover) return 0;
    const sites = await discoverSites(adapter, row, {
      config,
      store: createStore(sql),
      keyring,
      logger: createLogger({ level: "warn", write: (l) => io.stderr(`${l}\n`) }),
    });
    io.stdout(`Discovered ${sites.length} sites:\n`);
    for (const s of sites) {
      io.stdout(`  ${s.vendor_site_id}\t${s.name ?? ""}\t${s.timezone ?? ""}\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await sql?.end({ timeout: 5 });
  }
}

async function resolveOrg(sql: Sql, org: string, io: CliIo): Promise<string> {
  const { id, created } = await resolveOrganization(sql, org, "add a credential");
  if (created) io.stdout(`Created organisation "${org}" (${id})\n`);
  return id;
}

async function list(sql: Sql, io: CliIo, source?: string): Promise<number> {
  const rows = await sql`
    select c.id, o.name as org, c.source, c.label, c.status, c.status_reason,
           (select count(*) from public.inverter_sites s where s.credential_id = c.id and s.active)::int
             as sites
    from public.inverter_credentials c join public.organizations o on o.id = c.organization_id
    where ${source ? sql`c.source = ${source}` : sql`true`}
    order by o.name, c.source, c.label`;
  io.stdout("id\torganisation\tsource\tlabel\tstatus\tsites\treason\n");
  for (const r of rows) {
    io.stdout(
      `${r.id}\t${r.org}\t${r.source}\t${r.label}\t${r.status}\t${r.sites}\t${
        r.status_reason ?? ""
      }\n`,
    );
  }
  return 0;
}

async function disable(sql: Sql, io: CliIo, id?: string): Promise<number> {
  if (!id || !isUuid(id)) {
    io.stderr(`Cannot disable: give the credential id (a uuid)\n${USAGE}`);
    return 2;
  }
  const rows = await sql`
    update public.inverter_credentials
    set status = 'disabled', status_reason = 'Disabled by an operator', updated_at = now()
    where id = ${id} returning id`;
  if (rows.length === 0) {
    io.stderr(`Cannot disable: credential ${id} does not exist\n`);
    return 1;
  }
  io.stdout(`Disabled credential ${id}\n`);
  return 0;
}

/**
 * After a key rotation (new key first in ENCRYPTION_KEY, old ones after it) every secret is
 * re-encrypted with the new key, one row at a time under its row lock so a token renewal running
 * meanwhile is neither lost nor overwritten. A secret the new key already opens is left as it is,
 * so an interrupted run is resumed by running it again, and a run that finds nothing to do says
 * the old key can be dropped.
 */
async function reencrypt(sql: Sql, keyring: Keyring, io: CliIo, source?: string): Promise<number> {
  const ids = await sql<{ id: string }[]>`
    select id from public.inverter_credentials
    where ${source ? sql`source = ${source}` : sql`true`} order by id`;
  let failed = 0;
  let current = 0;
  let moved = 0;
  for (const [i, { id }] of ids.entries()) {
    try {
      await sql.begin(async (tx) => {
        const [row] = await tx<{ secret: string }[]>`
          select secret from public.inverter_credentials where id = ${id} for update`;
        // Gone meanwhile (its organisation deleted): nothing to move.
        if (!row) return;
        if (await keyring.isCurrent(row.secret)) {
          current++;
          return;
        }
        const fresh = await keyring.encrypt(await keyring.decrypt(row.secret));
        await tx`update public.inverter_credentials set secret = ${fresh}, updated_at = now()
                 where id = ${id}`;
        moved++;
      });
    } catch {
      failed++;
      io.stderr(`Cannot re-encrypt credential ${id}: no key in ENCRYPTION_KEY opens it\n`);
    }
    if ((i + 1) % 500 === 0) io.stderr(`reencrypt: ${i + 1} of ${ids.length} credentials\n`);
  }
  io.stdout(
    `Re-encrypted ${moved} of ${ids.length} credentials with the first key; ` +
      `${current} already used it; ${failed} could not be opened\n`,
  );
  if (failed === 0 && moved === 0) {
    io.stdout("Every secret uses the first key: the other keys can be dropped\n");
  }
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) {
  const { environment } = await import("../shared/config.ts");
  Deno.exit(
    await main(Deno.args, {
      env: environment(),
      io: processIo(),
      stdinIsTerminal: Deno.stdin.isTerminal(),
    }),
  );
}
