// SMA fetcher: configuration, including the app's client id and secret, is validated at boot.
import { createFetcherApp } from "../../../shared/app.ts";
import { loadConfig } from "../../../shared/config.ts";
import { lazy } from "../../../shared/lazy.ts";
import { createRuntime } from "../../../shared/runtime.ts";
import { sma } from "./adapter.ts";
import { mountBackchannelRoutes } from "./backchannel_routes.ts";

const config = loadConfig(undefined, { requireVendor: sma.requiredConfig });
const runtime = lazy(() => createRuntime(config));
const app = createFetcherApp(sma, config, runtime, {
  routes: (app) => mountBackchannelRoutes(app, config, runtime),
});

export default { fetch: app.fetch };
