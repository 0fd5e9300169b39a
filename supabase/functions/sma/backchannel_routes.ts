/**
 * The second way to connect an SMA owner, for operators who cannot send the owner through a
 * browser: `POST /sma/oauth/backchannel` asks SMA to e-mail the owner and stores a pending
 * credential; `GET /sma/oauth/backchannel/{credentialId}` polls the owner's answer and, once
 * accepted, stores the token, activates the credential and discovers its plants.
 */
import type { Hono } from "hono";
import type { Config } from "../../../shared/config.ts";
import { discoverSites } from "../../../shared/discover_sites.ts";
import { RequestError } from "../../../shared/errors.ts";
import { fetchWithRetry } from "../../../shared/http.ts";
import type { FetcherRuntime } from "../../../shared/runtime.ts";
import { requireServiceKey } from "../../../shared/service_key.ts";
import { sma, type SmaSecret } from "./adapter.ts";
import { consentProblem, smaBackchannel } from "./backchannel.ts";
import { isUuid } from "../../../shared/uuid.ts";
import { backchannelBody, parseRequest, readJsonObject } from "../../../shared/request_schemas.ts";

export function mountBackchannelRoutes(app: Hono, config: Config, runtime: () => FetcherRuntime) {
  const vendor = config.vendors.sma ?? {};
  const call = (req: Parameters<typeof fetchWithRetry>[0]) => fetchWithRetry(req);

  app.post("/oauth/backchannel", async (c) => {
    requireServiceKey(c.req.raw.headers, config.serviceKeys, "request an owner's consent");
    const what = "request consent";
    const { organizationId, email, label } = parseRequest(
      backchannelBody,
      readJsonObject(await c.req.text(), what),
      what,
    );
    const rt = runtime();
    // Before SMA e-mails the owner: a consent for no organisation could never be stored.
    if (!(await rt.store.organizationExists(organizationId))) {
      throw new RequestError(404, `Cannot request consent: no organisation ${organizationId}`);
    }
    await smaBackchannel.request(call, vendor, email);
    // Placeholder until the owner accepts: pending credentials are never synced.
    const pending: SmaSecret = {
      flow: "backchannel",
      loginHint: email,
      accessToken: "pending-consent",
      expiresAt: new Date(0).toISOString(),
    };
    const row = await rt.store.saveConnected({
      organizationId,
      source: "sma",
      label: label ?? `SMA consent of ${email}`,
      secret: await rt.keyring.encrypt(JSON.stringify(pending)),
      expiresAt: null,
      status: "pending",
      reason: `Waiting for ${email} to accept in the e-mail from SMA`,
    });
    return c.json({ credentialId: row.id, state: "pending" }, 202);
  });

  app.get("/oauth/backchannel/:credentialId", async (c) => {
    requireServiceKey(c.req.raw.headers, config.serviceKeys, "read an owner's consent");
    const id = c.req.param("credentialId");
    const rt = runtime();
    const info = isUuid(id) ? await rt.store.credentialInfo(id) : undefined;
    if (!info || info.source !== "sma") {
      throw new RequestError(404, `Cannot read consent: no SMA credential ${id}`);
    }
    const [row] = await rt.store.credentials("sma", id);
    const { secret } = sma.parseSecret(JSON.parse(await rt.keyring.decrypt(row.secret)));
    if (secret.flow !== "backchannel" || !secret.loginHint) {
      throw new RequestError(400, "Cannot read consent: this credential was connected by browser");
    }
    const state = await smaBackchannel.status(call, vendor, secret.loginHint);
    if (state === "pending") return c.json({ credentialId: id, state });
    if (state !== "accepted") {
      const problem = consentProblem(state);
      const reason = `${problem[0].toUpperCase()}${problem.slice(1)}`;
      await rt.store.markCredential(id, "needs_reauth", reason);
      return c.json({ credentialId: id, state, error: reason });
    }
    const document = await smaBackchannel.tokenFor(call, vendor, secret.loginHint);
    const saved = await rt.store.saveConnected({
      organizationId: info.organization_id,
      source: "sma",
      label: info.label,
      credentialId: id,
      secret: await rt.keyring.encrypt(JSON.stringify(document)),
      expiresAt: new Date(document.expiresAt),
      status: "active",
    });
    const sites = await discoverSites(sma, saved, { ...rt, config });
    return c.json({ credentialId: id, state, sites: sites.map((s) => s.vendor_site_id) });
  });
}
