// GoodWe fetcher: configuration is validated when the function boots.
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { lazy } from "../../../shared/lazy.ts";
import { createRuntime } from "../../../shared/runtime.ts";
import { goodwe } from "./adapter.ts";

const config = loadConfig(undefined, { requireVendor: goodwe.requiredConfig });
const app = createFetcherApp(goodwe, config, lazy(() => createRuntime(config)));

export default { fetch: app.fetch };
