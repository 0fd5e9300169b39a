/**
 * Maps a gateway URL to the function it names and to the URL that function sees. On Supabase the
 * API gateway strips `/functions/v1`, so a function receives `/<name>/<rest>?<query>`; Hono apps
 * route on that path, so the local gateway must hand them the same.
 */
export interface FunctionRoute {
  name: string;
  /** `http://localhost/<name>/<rest>?<query>` */
  url: string;
}

const prefix = "/functions/v1/";

/** Slug rule of the Supabase CLI; underscore names (`_shared`, `_health`) are never functions. */
export const functionNamePattern = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The route of a `/functions/v1/<name>...` URL, or null for any other path. */
export function functionRoute(url: URL): FunctionRoute | null {
  if (!url.pathname.startsWith(prefix)) return null;
  const rest = url.pathname.slice(prefix.length);
  const name = decodeURIComponent(rest.split("/")[0]);
  if (name === "") return null;
  return { name, url: `http://localhost/${rest}${url.search}` };
}
