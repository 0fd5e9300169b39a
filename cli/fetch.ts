/**
 * `deno task fetch <vendor> [--dry-run] [--verbose] [--lookback HOURS] [--site ID]`: the same
 * fetcher as the Edge Function, run in-process against the configured database and S3. With
 * `--dry-run` it calls the vendor but writes nothing, and prints what it would have written.
 */
import { parseArgs } from "node:util";
import { environment, loadConfig } from "../shared/config.ts";
import { Keyring } from "../shared/keyring.ts";
import { createLogger } from "../shared/logger.ts";
import { runSync } from "../shared/runner.ts";
import { createS3Store } from "../shared/s3.ts";
import { connect } from "../shared/db.ts";
import { createStore } from "../shared/store.ts";
import { adapterFor } from "./adapters.ts";
import { type CliIo, processIo } from "./io.ts";

const USAGE =
  "Usage: deno task fetch <vendor> [--dry-run] [--verbose] [--lookback HOURS] [--site ID]\n";

export async function main(
  args: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        lookback: { type: "string" },
        site: { type: "string" },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const lookback = values.lookback === undefined ? undefined : Number(values.lookback);
  if (lookback !== undefined && !(lookback > 0)) {
    io.stderr(`Cannot fetch: --lookback must be a positive number of hours\n${USAGE}`);
    return 2;
  }
  let sql;
  try {
    const adapter = adapterFor(positionals[0]);
    const config = loadConfig(env, { service: false });
    sql = connect(config.dbUrl, { max: 2 });
    const dryRun = values["dry-run"];
    const writes: string[] = [];
    const summary = await runSync({
      adapter,
      config,
      baseUrl: config.baseUrls[adapter.spec.source] ?? adapter.spec.baseUrl,
      store: createStore(sql),
      // A dry run writes no object; it needs no S3 client either.
      objects: dryRun
        ? { put: () => Promise.reject(new Error("A dry run writes no object")) }
        : createS3Store(config),
      dryRunReport: (w) =>
        writes.push(
          w.kind === "object"
            ? `write s3://${config.bucket}/${w.key} (${w.readings} readings, ${w.bytes} bytes)`
            : w.what,
        ),
      keyring: Keyring.parse(config.encryptionKeys),
      vendorConfig: config.vendors[adapter.spec.source],
      logger: createLogger({
        level: values.verbose ? "debug" : "warn",
        write: (line) => io.stderr(`${line}\n`),
      }),
    }, { trigger: "cli", dryRun, lookbackHours: lookback, siteId: values.site });
    if (dryRun) {
      io.stdout(`Dry run: nothing was written. It would have:\n`);
      for (const w of writes) io.stdout(`  ${w}\n`);
    }
    const c = summary.counts;
    io.stdout(
      `Run ${summary.runId}: ${c.sitesSucceeded}/${c.sitesTotal} sites synced, ` +
        `${c.sitesFailed} failed, ${c.objectsWritten} objects, ${c.apiCalls} API calls\n`,
    );
    for (const s of summary.sites) {
      const detail = s.error ?? s.objectKeys.join(", ");
      io.stdout(`  ${s.status.padEnd(9)} site ${s.vendorSiteId}: ${detail}\n`);
    }
    for (const e of summary.credentialErrors) {
      io.stdout(`  credential ${e.credentialId}: ${e.error}\n`);
    }
    return c.sitesFailed === 0 && summary.credentialErrors.length === 0 ? 0 : 1;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await sql?.end({ timeout: 5 });
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args, processIo(), environment()));
