/**
 * The connect flow of an OAuth vendor (authorization code): `GET /<vendor>/oauth/start` sends the
 * customer to the vendor with a signed, expiring `state`; `GET /<vendor>/oauth/callback` checks it,
 * exchanges the code, stores the encrypted tokens, activates the credential and discovers its
 * sites.
 */
import type { Hono } from "hono";
import type { Config } from "./config.ts";
import { discoverSites } from "./discover_sites.ts";
import { RequestError } from "./errors.ts";
import { fetchWithRetry } from "./http.ts";
import { signState, verifyState } from "./oauth_state.ts";
import type { FetcherRuntime } from "./runtime.ts";
import { requireServiceKey } from "./service_key.ts";
import type { Adapter } from "./types.ts";
import { oauthStartQuery, parseRequest } from "./request_schemas.ts";

export function mountConnectRoutes<S>(
  app: Hono,
  adapter: Adapter<S>,
  config: Config,
  runtime: () => FetcherRuntime,
  now: () => Date,
): void {
  const source = adapter.spec.source;
  const connect = adapter.connect!;
  const vendor = config.vendors[source] ?? {};
  const redirectUri = vendor[`${source.toUpperCase()}_REDIRECT_URI`] ??
    `${config.supabaseUrl.replace(/\/$/, "")}/functions/v1/${source}/oauth/callback`;
  // A secret of its own: a key that signs what travels through a browser is not the key that
  // encrypts the credentials, so neither one's rotation or leak touches the other.
  const stateSecret = config.oauthStateSecret ?? "";
  const configured = (what: string) => {
    if (!stateSecret) {
      throw new RequestError(
        501,
        `Cannot ${what}: set OAUTH_STATE_SECRET, the key that signs the authorisation's state ` +
          "(a secret of its own, not ENCRYPTION_KEY)",
      );
    }
    const missing = (connect.requiredConfig ?? []).filter((name) => !vendor[name]);
    if (missing.length === 0) return;
    throw new RequestError(
      501,
      `Cannot ${what}: this deployment has no ${source} OAuth app; set ${missing.join(" and ")}`,
    );
  };

  app.get("/oauth/start", async (c) => {
    requireServiceKey(c.req.raw.headers, config.serviceKeys, "start an authorisation");
    configured("start the authorisation");
    const { organizationId, credentialId, label } = parseRequest(
      oauthStartQuery,
      c.req.query(),
      "start the authorisation",
    );
    let orgId = organizationId;
    if (credentialId !== undefined) {
      const info = await runtime().store.credentialInfo(credentialId);
      if (!info || info.source !== source) {
        throw new RequestError(
          404,
          `Cannot start the authorisation: no ${source} credential ${credentialId}`,
        );
      }
      orgId = info.organization_id;
    } else if (!(await runtime().store.organizationExists(orgId!))) {
      // Checked before the customer is sent away: the callback would have nowhere to store the
      // tokens, and the owner would have consented for nothing.
      throw new RequestError(
        404,
        `Cannot start the authorisation: no organisation ${orgId}`,
      );
    }
    const state = await signState(
      { vendor: source, organizationId: orgId!, credentialId, label },
      stateSecret,
      { now: now() },
    );
    return c.redirect(connect.authorizeUrl(vendor, redirectUri, state), 302);
  });

  app.get("/oauth/callback", async (c) => {
    configured("complete the authorisation");
    const query = c.req.query();
    const { code, state: token, error } = query;
    if (error) {
      throw new RequestError(
        400,
        `Cannot complete the authorisation: the vendor answered ${error}`,
      );
    }
    if (!code) throw new RequestError(400, "Cannot complete the authorisation: code is required");
    if (!token) {
      // The state names the organisation, so without it nothing can be stored for anyone.
      throw new RequestError(
        400,
        "Cannot complete the authorisation: state is missing; the vendor did not send back the " +
          "state it was given",
      );
    }
    const state = await verifyState(token, stateSecret, { vendor: source, now: now() });
    const rt = runtime();
    // Deleted since the start? Then there is nowhere to store the tokens: say so before the code
    // is exchanged, instead of failing after.
    if (!(await rt.store.organizationExists(state.organizationId))) {
      throw new RequestError(
        404,
        `Cannot complete the authorisation: organisation ${state.organizationId} no longer exists`,
      );
    }
    const document = await connect.exchangeCode(
      (req) => fetchWithRetry(req),
      vendor,
      code,
      redirectUri,
      query,
    );
    const { sensitive } = adapter.parseSecret(document);
    // This callback's tokens are masked in its own lines, not in every later line of the worker.
    const logger = rt.logger.scope({ source });
    for (const s of sensitive) logger.redactor.add(s);
    let row;
    try {
      row = await rt.store.saveConnected({
        organizationId: state.organizationId,
        source,
        label: state.label ?? `${source} (connected ${now().toISOString().slice(0, 10)})`,
        credentialId: state.credentialId,
        secret: await rt.keyring.encrypt(JSON.stringify(document)),
        expiresAt: adapter.tokens?.current(document).expiresAt ?? null,
        status: "active",
      });
    } catch (error) {
      // The owner consented and the code is spent: say what to do, never a bare 500.
      const detail = logger.redactor.redact((error as Error).message);
      logger.error("Cannot store a connected credential", { error: detail });
      throw new RequestError(
        503,
        `Cannot complete the authorisation: the credential could not be stored (${detail}); ` +
          "start the authorisation again",
      );
    }
    let sites: string[] = [];
    let discoveryError: string | undefined;
    try {
      const listed = await discoverSites(adapter, row, { ...rt, logger, config, now });
      sites = listed.map((s) => s.vendor_site_id);
    } catch (e) {
      // The tokens are stored; the hourly run will discover the sites.
      discoveryError = logger.redactor.redact((e as Error).message);
    }
    logger.info("Credential connected", { credential: row.id, sites: sites.length });
    return c.json({
      credentialId: row.id,
      organizationId: row.organization_id,
      sites,
      discoveryError,
    });
  });
}
