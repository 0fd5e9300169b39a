/**
 * The local API gateway for Edge Functions: `/functions/v1/<name>/<rest>` runs
 * `<functionsDir>/<name>/index.ts` in this process, with the JWT gate that config.toml asks for
 * and the status codes and bodies of Supabase's own gateway (unknown function 404, bad JWT 401,
 * boot failure 503, thrown error 500). `/functions/v1/_health` reports the local stack's own
 * health; an underscore name is never a function.
 */
import { pathToFileURL } from "node:url";
import { defaultFunctionConfig, type FunctionConfig } from "./functions_config.ts";
import { type FetchHandler, loadFunction } from "./function_loader.ts";
import { functionNamePattern, functionRoute } from "./function_route.ts";
import { checkJwt } from "./jwt_check.ts";
import { stackEnv } from "./stack_env.ts";

export interface GatewayOptions {
  /** Absolute path of supabase/functions. */
  functionsDir: string;
  /** `[functions.<name>]` entries of config.toml (see functions_config.ts). */
  config: Record<string, FunctionConfig>;
  jwtSecret?: string;
  /** Parts of the stack to report on `_health`; any value other than "ok"/"listening" fails it. */
  health?: () => Record<string, string>;
}

export const healthPath = "/functions/v1/_health";

export function createGateway(options: GatewayOptions): (req: Request) => Promise<Response> {
  const { functionsDir, config, jwtSecret = stackEnv.JWT_SECRET } = options;
  const loaded = new Map<string, Promise<FetchHandler>>();

  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === healthPath) return health(options.health?.() ?? {});
    const route = functionRoute(url);
    if (route === null) {
      return Response.json({ message: "no Route matched with those values" }, { status: 404 });
    }
    const settings = config[route.name] ?? defaultFunctionConfig;
    const entrypoint = `${functionsDir}/${route.name}/index.ts`;
    if (!functionNamePattern.test(route.name) || !settings.enabled || !(await isFile(entrypoint))) {
      return new Response("Function not found", {
        status: 404,
        headers: { "content-type": "text/plain" },
      });
    }
    if (settings.verifyJwt && req.method !== "OPTIONS") {
      const rejection = await checkJwt(req, jwtSecret);
      if (rejection) return rejection;
    }
    let handler: FetchHandler;
    try {
      if (!loaded.has(route.name)) loaded.set(route.name, loadFunction(pathToFileURL(entrypoint)));
      handler = await loaded.get(route.name)!;
    } catch (error) {
      loaded.delete(route.name);
      console.error(`gateway: cannot boot function ${route.name}:`, error);
      return Response.json({
        code: "BOOT_ERROR",
        message: "Worker failed to boot (please check logs)",
      }, {
        status: 503,
      });
    }
    try {
      // Same method, headers and body, but not the caller's abort signal: a caller that hangs up
      // (pg_net's timeout, say) must not cancel the function midway, as reported for Supabase,
      // and Deno warns when that signal is copied.
      const forwarded = new Request(route.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
      });
      const response = await handler(forwarded);
      if (!(response instanceof Response)) {
        throw new TypeError("the handler did not return a Response");
      }
      return response;
    } catch (error) {
      console.error(`gateway: function ${route.name} failed:`, error);
      return Response.json({
        code: "WORKER_ERROR",
        message: "Function exited due to an error (please check logs)",
      }, { status: 500 });
    }
  };
}

function health(parts: Record<string, string>): Response {
  const ok = Object.values(parts).every((v) => v === "ok" || v === "listening");
  return Response.json({ status: ok ? "ok" : "degraded", gateway: "ok", ...parts }, {
    status: ok ? 200 : 503,
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
