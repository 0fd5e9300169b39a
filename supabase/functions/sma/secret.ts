/**
 * Validates a decrypted SMA credential document. Both flows carry a short-lived access token; the
 * code flow also needs the refresh token to renew it, the backchannel flow the owner's e-mail.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import type { SmaSecret } from "./adapter.ts";

export function parseSmaSecret(document: unknown): { secret: SmaSecret; sensitive: string[] } {
  const d = document as Partial<Record<keyof SmaSecret, unknown>> | null;
  const fail = (what: string) => new BadRecordError(`Cannot use SMA credential: ${what}`);
  if (!d || typeof d !== "object") throw fail("the document is not an object");
  if (typeof d.accessToken !== "string" || d.accessToken === "") {
    throw fail("accessToken is missing");
  }
  if (typeof d.expiresAt !== "string" || Number.isNaN(Date.parse(d.expiresAt))) {
    throw fail("expiresAt must be an ISO-8601 date-time");
  }
  if (d.flow !== "code" && d.flow !== "backchannel") {
    throw fail('flow must be "code" or "backchannel"');
  }
  const secret: SmaSecret = { accessToken: d.accessToken, expiresAt: d.expiresAt, flow: d.flow };
  if (d.flow === "code") {
    if (typeof d.refreshToken !== "string" || d.refreshToken === "") {
      throw fail("refreshToken is missing for the code flow");
    }
    secret.refreshToken = d.refreshToken;
  } else {
    if (typeof d.loginHint !== "string" || !d.loginHint.includes("@")) {
      throw fail("loginHint (the owner's e-mail) is missing for the backchannel flow");
    }
    secret.loginHint = d.loginHint;
  }
  const sensitive = [secret.accessToken];
  if (secret.refreshToken) sensitive.push(secret.refreshToken);
  return { secret, sensitive };
}
