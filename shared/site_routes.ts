/**
 * Routes about one site, for a dashboard user or an operator: `GET /<vendor>/sites/{siteId}/status`
 * answers the site's row of `site_health` (site_health.sql). `{siteId}` is the vendor's site id or
 * our uuid. An operator sends the service key; a user sends their session (session.ts) and must
 * be a member of the site's organisation: a site of another organisation is a 403, so that no one
 * learns of it more than that it is not theirs.
 */
import type { Hono } from "hono";
import type { Config } from "./config.ts";
import { RequestError } from "./errors.ts";
import { MAX_TEXT } from "./request_schemas.ts";
import type { FetcherRuntime } from "./runtime.ts";
import { hasServiceKey } from "./service_key.ts";
import { sessionVerifier } from "./session.ts";
import type { Source } from "./vendors.ts";

export function mountSiteRoutes(
  app: Hono,
  source: Source,
  config: Config,
  runtime: () => FetcherRuntime,
  options: { fetch?: typeof fetch } = {},
): void {
  const verify = sessionVerifier({
    supabaseUrl: config.supabaseUrl,
    jwks: config.jwks,
    legacySecret: config.legacyJwtSecret,
    fetch: options.fetch,
  });

  app.get("/sites/:siteId/status", async (c) => {
    const what = "read the site's status";
    const siteId = c.req.param("siteId");
    if (siteId.length === 0 || siteId.length > MAX_TEXT) {
      throw new RequestError(400, `Cannot ${what}: siteId must be 1 to ${MAX_TEXT} characters`);
    }
    const operator = hasServiceKey(c.req.raw.headers, config.serviceKeys);
    const user = operator ? undefined : await verify(c.req.header("authorization"));
    const health = runtime().health;
    if (!health) throw new RequestError(501, `Cannot ${what}: this runtime has no health store`);
    const rows = await health.siteHealth(source, siteId);
    let visible = rows;
    if (user) {
      const roles = await Promise.all(
        rows.map((r) => health.memberRole(user.userId, r.organization_id)),
      );
      visible = rows.filter((_, i) => roles[i] !== undefined);
      if (rows.length > 0 && visible.length === 0) {
        throw new RequestError(403, `Cannot ${what}: site ${siteId} is not your organisation's`);
      }
    }
    if (visible.length === 0) {
      throw new RequestError(404, `Cannot ${what}: no active ${source} site ${siteId}`);
    }
    if (visible.length > 1) {
      throw new RequestError(
        409,
        `Cannot ${what}: ${visible.length} ${source} sites have the id ${siteId}; use the site's uuid`,
      );
    }
    return c.json(visible[0]);
  });
}
