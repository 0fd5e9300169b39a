/**
 * `GET /oauth/authorize`: where the homeowner logs in to Enlighten and approves the app, which
 * sends the browser back to `redirect_uri` with a single-use `code` (vendors.md §2.2). Simulator
 * shortcut: `approve_as=<email>` stands for that user logging in and approving, and `deny=1` for
 * the refusal, so tests need no browser. Without either the page asks for an email.
 */
import type { Registry } from "./enphase_registry.ts";
import type { TokenStore } from "./enphase_tokens.ts";
import { redirectBack, redirectTarget } from "./authorize_redirect.ts";
import { escapeHtml, hiddenInputs, htmlPage } from "./html_page.ts";

// Where Enphase sends the code when an app registered no redirect URI of its own.
export const DEFAULT_REDIRECT_URI = "https://api.enphaseenergy.com/oauth/redirect_uri";

export function authorizeResponse(
  url: URL,
  deps: { registry: Registry; tokens: TokenStore; nowMs: number },
): Response {
  const p = url.searchParams;
  const app = deps.registry.appByClient(p.get("client_id") ?? "");
  // RFC 6749 §4.1.2.1: with a bad client the redirect cannot be trusted, so the user is told.
  if (!app) return page(400, "<p>Cannot authorize: unknown client_id</p>");
  const redirectUri = p.get("redirect_uri");
  const target = redirectTarget(redirectUri ?? DEFAULT_REDIRECT_URI, "Enphase Enlighten");
  if (target instanceof Response) return target;
  const back = (params: Record<string, string>) => redirectBack(target, p.get("state"), params);
  if (p.get("response_type") !== "code") {
    return back({
      error: "unsupported_response_type",
      error_description: `Unsupported response types: [${p.get("response_type") ?? ""}]`,
    });
  }
  if (p.get("deny") === "1") {
    return back({ error: "access_denied", error_description: "User denied access" });
  }
  const email = p.get("approve_as");
  if (email === null) return page(200, consentForm(url));
  if (!deps.registry.user(email)) {
    return page(400, `<p>Cannot approve: no Enlighten user ${escapeHtml(email)}</p>`);
  }
  // The redirect_uri as sent ("" when absent) is kept: the token request must then repeat it.
  const code = deps.tokens.issueCode(
    { clientId: app.clientId, email, redirectUri: redirectUri ?? "" },
    deps.nowMs,
  );
  return back({ code });
}

function consentForm(url: URL): string {
  const hidden = hiddenInputs(url, ["approve_as", "deny"]);
  return `<h1>Allow this application to read your Enlighten systems?</h1>
<form method="get" action="/oauth/authorize">${hidden}
<label>Enlighten email <input type="email" name="approve_as" required></label>
<button>Approve</button></form>
<form method="get" action="/oauth/authorize">${hidden}
<input type="hidden" name="deny" value="1"><button>Deny</button></form>`;
}

function page(status: number, body: string): Response {
  return htmlPage("Enphase Enlighten", status, body);
}
