/**
 * What Enphase said in an error answer, for a message an operator can act on, with every key,
 * token and code the request carried taken out first.
 */

/** The vendor's own words from a JSON error body, or the start of a non-JSON one. */
export function vendorText(text: string, fields: string[]): string {
  const body = jsonOrUndefined(text) as Record<string, unknown> | undefined;
  const said = fields.map((f) => body?.[f]).find((v) => typeof v === "string" && v !== "");
  return (said as string | undefined) ?? (text.trim().slice(0, 200) || "no details");
}

export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Vendors echo what they were sent; no key, token or code may reach a message. */
export function scrub(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.replaceAll(s, "[redacted]");
  return out;
}
