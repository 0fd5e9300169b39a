import { RequestError } from "./errors.ts";

/** Accepts the service key as `apikey` (what pg_net sends) or as a Bearer token. */
export function requireServiceKey(headers: Headers, keys: readonly string[], action: string): void {
  if (!hasServiceKey(headers, keys)) {
    throw new RequestError(401, `Cannot ${action}: a service key is required`);
  }
}

/** Whether the request carries one of the service keys (an operator, not a user's session). */
export function hasServiceKey(headers: Headers, keys: readonly string[]): boolean {
  const bearer = headers.get("authorization")?.replace(/^Bearer\s+/i, "");
  const presented = [headers.get("apikey"), bearer].filter((k): k is string => !!k);
  return presented.some((p) => keys.some((k) => timingSafeEqual(p, k)));
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
