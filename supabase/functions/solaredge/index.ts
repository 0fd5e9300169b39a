// SolarEdge fetcher: configuration is validated when the function boots.
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { lazy } from "../../../shared/lazy.ts";
import { createRuntime } from "../../../shared/runtime.ts";
import { solaredge } from "./adapter.ts";

const config = loadConfig();
const app = createFetcherApp(solaredge, config, lazy(() => createRuntime(config)));

export default { fetch: app.fetch };
