/**
 * Run by oauth_test.ts as its own process: a sync of one credential that exits right after the
 * vendor has rotated the refresh token and before the new one is committed, as a killed worker
 * would.
 */
import { enphase } from "../../supabase/functions/enphase/adapter.ts";
import { environment, loadConfig } from "../../shared/config.ts";
import { createRuntime } from "../../shared/runtime.ts";
import { runSync } from "../../shared/runner.ts";

const config = loadConfig(environment(), { service: false });
const rt = createRuntime(config, { logLevel: "error" });
await runSync({
  adapter: enphase,
  config,
  baseUrl: config.baseUrls.enphase!,
  store: rt.store,
  objects: rt.objects,
  keyring: rt.keyring,
  vendorConfig: config.vendors.enphase,
  logger: rt.logger,
  beforeTokenCommit: () => Deno.exit(3),
}, { trigger: "cli", credentialId: Deno.args[0] });
console.error("The refresh was expected to stop the process");
Deno.exit(1);
