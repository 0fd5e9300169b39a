/**
 * Enphase error bodies. The v4 API (behind a 3scale gateway) answers `{message, details, code}`;
 * the OAuth server answers Spring Security OAuth's `{error, error_description}` (the token response
 * carries Spring's `jti`). Wording is taken from the Swagger examples in vendors.md §2.2 and §2.5.
 */
export function apiError(
  status: number,
  message: string,
  details: string,
  extra: Record<string, unknown> = {},
): Response {
  return Response.json({ message, details, code: status, ...extra }, { status });
}

export function notAuthorized(details = "User is not authorized"): Response {
  return apiError(401, "Not Authorized", details);
}

export function unprocessable(details: string): Response {
  return apiError(422, "Unprocessable Entity", details);
}

export function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}
