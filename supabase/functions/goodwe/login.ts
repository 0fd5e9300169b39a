/**
 * Logging in to GoodWe (`tokens.renew`). SEMS+ cross-login wants the password as
 * base64(md5_hex(password)) plus three app fields, without which it hands out a token that later
 * fails with 100001; the classic CrossLogin wants the plain password. GOODWE_LOGIN gives the order
 * to try them: since September 2026 SEMS+ answers `100004 parameter error.` for some accounts that
 * the classic login still serves (vendors.md §4.0-4.1). Messages quote GoodWe's code and wording,
 * never the account's password or token.
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import type { HttpResult } from "../../../shared/http.ts";
import type { TokenCall, VendorConfig } from "../../../shared/types.ts";
import { type GoodWeConfig, goodweConfig, type LoginVariant } from "./config.ts";
import { codeKind, describeAnswer } from "./errors.ts";
import { semsPlusPassword } from "./md5.ts";
import { powerStationApi } from "./region.ts";
import type { GoodWeSecret, GoodWeSession } from "./secret.ts";

export const SEMS_PLUS_LOGIN_PATH = "/web/sems/sems-user/api/v1/auth/cross-login";
export const LEGACY_LOGIN_PATH = "/api/v2/Common/CrossLogin";
// The header the iOS app sends before it has a session (vendors.md §4.1).
const APP_TOKEN = JSON.stringify({ version: "v3.1", client: "ios", language: "en" });

type Attempt = { session: GoodWeSession } | { unavailable: Error };

export async function logIn(
  call: TokenCall,
  secret: GoodWeSecret,
  vendor: VendorConfig,
): Promise<GoodWeSecret> {
  const config = goodweConfig(vendor);
  let last: Error | undefined;
  for (const variant of config.logins) {
    const outcome = await attempt(call, secret, variant, config);
    if ("session" in outcome) {
      return { account: secret.account, password: secret.password, session: outcome.session };
    }
    last = outcome.unavailable;
  }
  throw last;
}

/** Throws what concerns the credential; returns `unavailable` when the next variant may work. */
async function attempt(
  call: TokenCall,
  secret: GoodWeSecret,
  variant: LoginVariant,
  config: GoodWeConfig,
): Promise<Attempt> {
  const name = variant === "semsplus" ? "SEMS+" : "classic SEMS";
  const what = `Cannot log in to GoodWe (${name})`;
  const body = variant === "semsplus"
    ? {
      account: secret.account,
      pwd: semsPlusPassword(secret.password),
      agreement: 1,
      isChinese: false,
      isLocal: false,
    }
    : { account: secret.account, pwd: secret.password };
  const result = await call({
    url: variant === "semsplus"
      ? config.loginUrl + SEMS_PLUS_LOGIN_PATH
      : config.legacyLoginUrl + LEGACY_LOGIN_PATH,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", token: APP_TOKEN },
    body: JSON.stringify(body),
    label: `GoodWe ${name} login`,
    fatalStatuses: [],
    acceptStatuses: [400, 401, 403, 404, 405, 410],
  });
  if ([404, 405, 410].includes(result.status)) {
    const variable = variant === "semsplus" ? "GOODWE_LOGIN_URL" : "GOODWE_LEGACY_LOGIN_URL";
    return {
      unavailable: new VendorConfigError(
        `${what}: the login endpoint answered HTTP ${result.status}; check ${variable}`,
      ),
    };
  }
  if (result.status !== 200) {
    throw new RetriableError(`${what}: received HTTP ${result.status}`, { status: result.status });
  }
  const answer = readAnswer(result, what);
  switch (codeKind(answer.code)) {
    case "ok": {
      const session = sessionOf(answer);
      if (session) return { session };
      return {
        unavailable: new FatalCredentialError(
          `${what}: GoodWe answered success without a session token; try another GOODWE_LOGIN`,
        ),
      };
    }
    case "bad_credentials":
      throw new FatalCredentialError(`${what}: GoodWe answered ${describeAnswer(answer)}`);
    case "parameter":
      return {
        unavailable: new FatalCredentialError(`${what}: GoodWe answered ${describeAnswer(answer)}`),
      };
    case "rate_limited":
      throw new RetriableError(`${what}: GoodWe answered ${describeAnswer(answer)}`, {
        retryAfterMs: config.backoffMs,
      });
    default:
      throw new RetriableError(`${what}: GoodWe answered ${describeAnswer(answer)}`);
  }
}

interface LoginAnswer {
  code?: unknown;
  data?: unknown;
  api?: unknown;
}

function readAnswer(result: HttpResult, what: string): LoginAnswer {
  try {
    const parsed = JSON.parse(result.text);
    if (parsed && typeof parsed === "object") return parsed as LoginAnswer;
  } catch {
    // Handled below: an HTML or cut-off page from the login host is an outage, not a bad login.
  }
  const kind = /^\s*</.test(result.text) ? "an HTML page" : "malformed JSON";
  throw new RetriableError(`${what}: received ${kind} instead of JSON`);
}

function sessionOf(answer: LoginAnswer): GoodWeSession | undefined {
  const data = answer.data as Record<string, unknown> | null | undefined;
  if (!data || typeof data !== "object" || Array.isArray(data)) return undefined;
  if (typeof data.token !== "string" || data.token.trim() === "") return undefined;
  return {
    token: JSON.stringify(data),
    api: powerStationApi(answer.api, data),
    issuedAt: issuedAt(data.timestamp),
  };
}

/** GoodWe's own login time (ms since the epoch in the fixtures), else our clock. */
function issuedAt(timestamp: unknown): string {
  const n = typeof timestamp === "string" ? Number(timestamp) : timestamp;
  if (typeof n === "number" && Number.isFinite(n) && n > 1e12 && n < 1e14) {
    return new Date(n).toISOString();
  }
  return new Date().toISOString();
}
