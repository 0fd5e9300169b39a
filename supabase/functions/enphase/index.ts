// Enphase fetcher: configuration, including the app's client id, secret and API key, is validated
// when the function boots.
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { lazy } from "../../../shared/lazy.ts";
import { createRuntime } from "../../../shared/runtime.ts";
import { enphase } from "./adapter.ts";

const config = loadConfig(undefined, { requireVendor: enphase.requiredConfig });
const app = createFetcherApp(enphase, config, lazy(() => createRuntime(config)));

export default { fetch: app.fetch };
