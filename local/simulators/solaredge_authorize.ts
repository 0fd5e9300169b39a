/**
 * `GET /authorize`, the simulator's stand-in for `https://connect.solaredge.com/authorize`: the
 * homeowner logs in, picks the site and approves the app, and the browser goes back to
 * `redirect_uri` with `code`, `site_id` and, when the app sent one, `external_id` (vendors.md,
 * Corrections Dec 2026, "Site Access OAuth"; scopes `SITE_DATA`, `DEVICE_DATA`;
 * `access_duration` in months, at most 24). UNVERIFIED: that `state` is echoed — the simulator
 * echoes it, and the default `access_duration` when none is sent (24 here). Simulator shortcut:
 * `approve_as=<email>` (and `site_id=<id>`, else the owner's first site) stands for the owner
 * approving, `deny=1` for the refusal, so tests need no browser.
 */
import type { SolarEdgeOAuth } from "./solaredge_oauth.ts";
import { redirectBack, redirectTarget } from "./authorize_redirect.ts";
import { escapeHtml, hiddenInputs, htmlPage } from "./html_page.ts";

const SCOPES = new Set(["SITE_DATA", "DEVICE_DATA"]);

export function authorizeResponse(url: URL, oauth: SolarEdgeOAuth): Response {
  const p = url.searchParams;
  const client = oauth.client(p.get("client_id") ?? "");
  // RFC 6749 §4.1.2.1: with a bad client or redirect the user is told, not redirected.
  if (!client) return page(400, "<p>Cannot authorize: unknown client_id</p>");
  const target = redirectTarget(p.get("redirect_uri") ?? "", "SolarEdge Connect");
  if (target instanceof Response) return target;
  const back = (params: Record<string, string>) => redirectBack(target, p.get("state"), params);
  if (p.get("response_type") !== "code") {
    return back({
      error: "unsupported_response_type",
      error_description: "Use response_type=code",
    });
  }
  const scopes = (p.get("scope") ?? "").split(/[\s,]+/).filter((s) => s !== "");
  if (scopes.length === 0 || scopes.some((s) => !SCOPES.has(s))) {
    return back({
      error: "invalid_scope",
      error_description: "scope must be SITE_DATA and/or DEVICE_DATA",
    });
  }
  const duration = p.get("access_duration") ?? "24";
  const months = /^\d{1,2}$/.test(duration) ? Number(duration) : NaN;
  if (!(months >= 1 && months <= 24)) {
    return back({
      error: "invalid_request",
      error_description: "access_duration must be 1 to 24 months",
    });
  }
  if (p.get("deny") === "1") {
    return back({ error: "access_denied", error_description: "The site owner denied access" });
  }
  const email = p.get("approve_as");
  if (email === null) return page(200, consentForm(url));
  const owner = oauth.owner(email);
  if (!owner) return page(400, `<p>Cannot approve: no SolarEdge user ${escapeHtml(email)}</p>`);
  const wanted = p.get("site_id");
  const site = wanted === null || wanted === ""
    ? owner.sites[0]
    : owner.sites.find((s) => String(s.siteId) === wanted);
  if (!site) {
    return page(400, `<p>Cannot approve: ${escapeHtml(email)} has no such site</p>`);
  }
  const code = oauth.issueCode(client.clientId, owner.email, site, months);
  const extra: Record<string, string> = {};
  const externalId = p.get("external_id");
  if (externalId !== null) extra.external_id = externalId;
  return back({ code, site_id: String(site.siteId), ...extra });
}

function consentForm(url: URL): string {
  const hidden = hiddenInputs(url, ["approve_as", "deny", "site_id"]);
  return `<h1>Allow this application to read one of your SolarEdge sites?</h1>
<form method="get" action="/authorize">${hidden}
<label>SolarEdge email <input type="email" name="approve_as" required></label>
<label>Site id (blank: your first site) <input name="site_id"></label>
<button>Allow</button></form>
<form method="get" action="/authorize">${hidden}
<input type="hidden" name="deny" value="1"><button>Deny</button></form>`;
}

function page(status: number, body: string): Response {
  return htmlPage("SolarEdge Connect", status, body);
}
