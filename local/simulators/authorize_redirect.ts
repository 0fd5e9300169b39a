/**
 * How a simulated authorize page sends the owner back (RFC 6749 §4.1.2): to the client's
 * redirect URI with the outcome's parameters and the client's `state`; and, when that URI is not
 * an absolute URL, an error page instead, since the redirect cannot be trusted.
 */
import { htmlPage } from "./html_page.ts";

/** The redirect target, or the error page to show in its place. */
export function redirectTarget(uri: string, vendorTitle: string): URL | Response {
  try {
    return new URL(uri);
  } catch {
    return htmlPage(
      vendorTitle,
      400,
      "<p>Cannot authorize: redirect_uri is not an absolute URL</p>",
    );
  }
}

/** The 302 back to the client, carrying `params` and the request's `state`. */
export function redirectBack(
  target: URL,
  state: string | null,
  params: Record<string, string>,
): Response {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (state !== null) url.searchParams.set("state", state);
  return new Response(null, { status: 302, headers: { location: url.href } });
}
