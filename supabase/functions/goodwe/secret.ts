/**
 * The GoodWe credential document: the SEMS account and password (GoodWe has no API keys), the
 * optional SEMS+ login `region` (`global`, `eu` or `cn`; GOODWE_REGION when absent), plus the
 * session of the last login, which the core stores encrypted with the rest of the document.
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { LOGIN_REGIONS, type LoginRegion, type LoginVariant } from "./config.ts";

export interface GoodWeSession {
  /** The JSON string sent in the `token` header: the `data` object the login answered. */
  token: string;
  /** The regional API base the login pointed to, ending with `/`. */
  api: string;
  issuedAt: string;
  /** The SEMS+ host that issued it, so that a renewal goes straight back there. */
  loginRegion?: LoginRegion;
  /** The login variant that issued it, tried first at the next renewal. */
  loginVariant?: LoginVariant;
}

export interface GoodWeSecret {
  account: string;
  password: string;
  /** Which SEMS+ login host the account belongs to; detected when absent (login.ts). */
  region?: LoginRegion;
  session?: GoodWeSession;
}

export function parseGoodWeSecret(
  document: unknown,
): { secret: GoodWeSecret; sensitive: string[] } {
  const d = document as Partial<GoodWeSecret> | null;
  if (!d || typeof d.account !== "string" || d.account.trim() === "") {
    throw new BadRecordError("Cannot use GoodWe credential: account is missing");
  }
  // A password may legitimately start or end with a space: it is used exactly as stored.
  if (typeof d.password !== "string" || d.password === "") {
    throw new BadRecordError("Cannot use GoodWe credential: password is missing");
  }
  const secret: GoodWeSecret = { account: d.account.trim(), password: d.password };
  if (d.region !== undefined && d.region !== null) secret.region = region(d.region, "region");
  if (d.session !== undefined && d.session !== null) secret.session = validSession(d.session);
  const sensitive = [secret.password];
  if (secret.session) sensitive.push(secret.session.token, innerToken(secret.session.token));
  return { secret, sensitive: sensitive.filter((s) => s !== "") };
}

function validSession(s: Partial<GoodWeSession>): GoodWeSession {
  const bad = (what: string) => new BadRecordError(`Cannot use GoodWe credential: session ${what}`);
  if (typeof s !== "object" || typeof s.token !== "string" || s.token === "") {
    throw bad("token is missing");
  }
  if (typeof s.api !== "string" || !/^https?:\/\/.+\/$/.test(s.api)) {
    throw bad("api must be an http(s) URL ending with /");
  }
  if (typeof s.issuedAt !== "string" || Number.isNaN(Date.parse(s.issuedAt))) {
    throw bad("issuedAt must be a date");
  }
  const session: GoodWeSession = { token: s.token, api: s.api, issuedAt: s.issuedAt };
  if (s.loginRegion !== undefined) {
    session.loginRegion = region(s.loginRegion, "session loginRegion");
  }
  if (s.loginVariant === "semsplus" || s.loginVariant === "legacy") {
    session.loginVariant = s.loginVariant;
  } else if (s.loginVariant !== undefined) {
    throw bad("loginVariant must be semsplus or legacy");
  }
  return session;
}

function region(value: unknown, name: string): LoginRegion {
  if (typeof value === "string" && (LOGIN_REGIONS as readonly string[]).includes(value)) {
    return value as LoginRegion;
  }
  throw new BadRecordError(
    `Cannot use GoodWe credential: ${name} must be global, eu or cn, got ${JSON.stringify(value)}`,
  );
}

/** The bare token inside the header JSON, so a log line that quotes only it is masked too. */
function innerToken(header: string): string {
  try {
    const parsed = JSON.parse(header) as { token?: unknown };
    return typeof parsed.token === "string" ? parsed.token : "";
  } catch {
    return "";
  }
}
