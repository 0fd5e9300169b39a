/**
 * Routes about one site, for a dashboard user or an operator: `GET /<vendor>/sites/{siteId}/status`
 * answers the site's row of `site_health` (site_health.sql); `POST …/resync {from, to}` queues a
 * resync of a range (default: the last 24 hours) and answers 202 with the job. `{siteId}` is the
 * vendor's site id or our uuid; the resync is one job per window of the vendor's span
 * (resync_windows.ts). A resync needs an owner or admin. An operator sends the service key; a user
 * sends their session (session.ts) and must be a member of the site's organisation: a site of
 * another organisation is a 403, so that no one learns of it more than that it is not theirs.
 */
import type { Context, Hono } from "hono";
import type { Config } from "./config.ts";
import { RequestError } from "./errors.ts";
import { MAX_TEXT, parseRequest, readJsonObject, resyncBody } from "./request_schemas.ts";
import { resyncWindows } from "./resync_windows.ts";
import type { FetcherRuntime } from "./runtime.ts";
import { hasServiceKey } from "./service_key.ts";
import { sessionVerifier } from "./session.ts";
import type { HealthStore, SiteHealthRow } from "./stores/health.ts";
import type { AdapterSpec } from "./types.ts";

export function mountSiteRoutes(
  app: Hono,
  spec: AdapterSpec,
  config: Config,
  runtime: () => FetcherRuntime,
  now: () => Date,
): void {
  const source = spec.source;
  const verify = sessionVerifier({
    supabaseUrl: config.supabaseUrl,
    jwks: config.jwks,
    legacySecret: config.legacyJwtSecret,
  });

  /** The one active site `{siteId}` names for this caller, or the error that says why not. */
  async function siteFor(
    c: Context,
    what: string,
    roles?: readonly string[],
  ): Promise<{ row: SiteHealthRow; health: HealthStore }> {
    const siteId = c.req.param("siteId") ?? "";
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
      const found = await Promise.all(
        rows.map((r) => health.memberRole(user.userId, r.organization_id)),
      );
      visible = rows.filter((_, i) => found[i] !== undefined);
      if (rows.length > 0 && visible.length === 0) {
        throw new RequestError(403, `Cannot ${what}: site ${siteId} is not your organisation's`);
      }
      if (roles && visible.length === 1) {
        const role = found[rows.indexOf(visible[0])]!;
        if (!roles.includes(role)) {
          throw new RequestError(
            403,
            `Cannot ${what}: only an ${
              roles.join(" or ")
            } of the site's organisation may, and you are a ${role}`,
          );
        }
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
    return { row: visible[0], health };
  }

  app.get("/sites/:siteId/status", async (c) => {
    const { row } = await siteFor(c, "read the site's status");
    return c.json(row);
  });

  // A resync is queued work (jobs above the hourly work), not a run of its own; the same
  // request again while its jobs wait returns the same jobs.
  app.post("/sites/:siteId/resync", async (c) => {
    const what = "resync the site";
    const range = parseRequest(resyncBody(now), readJsonObject(await c.req.text(), what), what);
    const { row } = await siteFor(c, what, ["owner", "admin"]);
    const timezone = typeof row.timezone === "string" ? row.timezone : undefined;
    const windows = resyncWindows(spec, range, timezone, now(), what);
    const jobs = runtime().jobs;
    if (!jobs) throw new RequestError(501, `Cannot ${what}: this runtime has no job store`);
    const jobIds = await jobs.enqueueResync(row.site_id, windows);
    return c.json({
      siteId: row.site_id,
      vendorSiteId: row.vendor_site_id,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      jobIds,
    }, 202);
  });
}
