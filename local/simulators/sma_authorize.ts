/**
 * `/oauth2/auth`, the SMA login an owner meets behind the "SMA-Connect" button (vendors.md §3.2).
 * A browser gets a login form (GET) and posts e-mail and password (POST); tests skip the form with
 * the simulator-only `approve_as=<email>` or `deny=1`. Success redirects to `redirect_uri` with a
 * single-use `code`, `state` and `session_state`, as Keycloak does; a refusal carries
 * `error=access_denied`. An unknown client or a bad redirect_uri gets an error page, never a
 * redirect, because redirecting there would hand a code to whoever forged the link.
 */
import type { SmaState } from "./sma_state.ts";

export async function authorizeResponse(state: SmaState, req: Request, url: URL) {
  if (req.method !== "GET" && req.method !== "POST") return page(405, "Method not allowed.");
  const p = url.searchParams;
  const clientId = p.get("client_id") ?? "";
  if (!state.clients.has(clientId)) return page(400, "Client not found.");
  const redirectUri = p.get("redirect_uri") ?? "";
  if (!/^https?:\/\/[^\s]+$/.test(redirectUri)) return page(400, "Invalid parameter: redirect_uri");
  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries({ ...params, state: p.get("state") ?? "" })) {
      target.searchParams.set(k, v);
    }
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  };
  if (p.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
  if (p.get("deny") === "1") return back({ error: "access_denied" });

  let email = p.get("approve_as");
  if (email === null && req.method === "POST") {
    const form = new URLSearchParams(await req.text());
    email = form.get("username") ?? "";
    if (state.owners.get(email)?.password !== form.get("password")) {
      return loginPage(url, "Invalid username or password.");
    }
  }
  if (email === null) return loginPage(url);
  if (!state.owners.has(email)) return page(400, `Cannot approve as ${email}: no such owner.`);
  const { code, sessionState } = state.tokens.issueCode({
    clientId,
    owner: email,
    redirectUri,
    scope: p.get("scope") ?? "",
  });
  return back({ code, session_state: sessionState });
}

function loginPage(url: URL, error?: string): Response {
  const action = escape(`${url.pathname}${url.search}`);
  const message = error ? `<p class="error">${escape(error)}</p>` : "";
  return html(
    200,
    `<h1>Sign in to SMA (simulator)</h1>${message}
<form method="post" action="${action}">
<label>E-mail <input name="username" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

function page(status: number, message: string): Response {
  return html(status, `<h1>We are sorry...</h1><p>${escape(message)}</p>`);
}

function html(status: number, body: string): Response {
  return new Response(`<!DOCTYPE html><html><body>${body}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
