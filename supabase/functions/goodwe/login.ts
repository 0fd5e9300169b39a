/**
 * Logging in to GoodWe (`tokens.renew`). SEMS+ cross-login wants the password as
 * base64(md5_hex(password)) plus three app fields, without which it hands out a token that later
 * fails with 100001; the classic CrossLogin (now `/api/v3/Common/CrossLogin`: v2 answers 100000
 * "ver is not fund") wants the plain password. GOODWE_LOGIN gives the order to try them
 * (vendors.md §4.1 and "Corrections, December 2026").
 *
 * SEMS+ has regional login hosts: global `semsplus.goodwe.com`, `eu-semsplus.goodwe.com` for EU
 * accounts, `cn-semsplus.goodwe.com` with `isChinese: true` for CN accounts. The host is the
 * credential's `region`, else the one that issued its last session, else GOODWE_REGION; with
 * `auto` (the default) the login tries global, then eu, moving on only when a host refuses the
 * account (100004, 100005, success without a token, or no such endpoint). CN accounts are never
 * guessed: they need `region: "cn"`. The host that answered is kept in the session, so detection
 * costs at most two logins once, not every run.
 *
 * Since 2026-09-23 GoodWe refuses many accounts until their owner sets a new password on SEMS+:
 * SEMS+ answers `100004 parameter error.`, the classic login success without a usable token
 * (goodwe-sems-home-assistant#213, #216). Each failure says what the operator must do. A run logs
 * in at most once (run_logins.ts): a second renewal in the same run is refused, and an account
 * whose fresh session is answered 100001/100002 right away is refused itself. Messages quote
 * GoodWe's code and wording, never the account's password or token.
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import type { HttpResult } from "../../../shared/http.ts";
import type { TokenCall, VendorConfig } from "../../../shared/types.ts";
import { type GoodWeConfig, goodweConfig, type LoginRegion, type LoginVariant } from "./config.ts";
import { codeKind, describeAnswer } from "./errors.ts";
import { semsPlusPassword } from "./md5.ts";
import { powerStationApi } from "./region.ts";
import { isUnproven, loginOfRun, noteLogin, type RunLogin } from "./run_logins.ts";
import type { GoodWeSecret, GoodWeSession } from "./secret.ts";

export const SEMS_PLUS_LOGIN_PATH = "/web/sems/sems-user/api/v1/auth/cross-login";
export const LEGACY_LOGIN_PATH = "/api/v3/Common/CrossLogin";
// The header the iOS app sends before it has a session (vendors.md §4.1).
const APP_TOKEN = JSON.stringify({ version: "v3.1", client: "ios", language: "en" });
/** What the operator must do for an account GoodWe refuses since September 2026. */
export const NEW_PASSWORD_ADVICE =
  "log in to SEMS+ (semsplus.goodwe.com) in a browser and set a new password, then update the credential";

/** Where one login attempt goes. */
interface Target {
  variant: LoginVariant;
  region?: LoginRegion;
}

type Attempt =
  | { session: GoodWeSession }
  /** `next`: whether another host or variant may still work. */
  | { failed: Error; next: "any" | "host" };

export async function logIn(
  call: TokenCall,
  secret: GoodWeSecret,
  vendor: VendorConfig,
): Promise<GoodWeSecret> {
  const earlier = loginOfRun(call);
  if (earlier) throw secondLogin(earlier, secret);
  const config = goodweConfig(vendor);
  try {
    const session = await firstSession(call, secret, config);
    noteLogin(call, { token: session.token });
    const renewed: GoodWeSecret = { account: secret.account, password: secret.password, session };
    if (secret.region) renewed.region = secret.region;
    return renewed;
  } catch (error) {
    noteLogin(call, { error: error as Error });
    throw error;
  }
}

/** The run already logged in: never again, and a refused fresh session means a refused account. */
function secondLogin(earlier: RunLogin, secret: GoodWeSecret): Error {
  if ("error" in earlier) return earlier.error;
  if (secret.session?.token === earlier.token && isUnproven(earlier.token)) {
    return new FatalCredentialError(
      `Cannot use GoodWe account: GoodWe refused its new session right after the login ` +
        `("please log in again"), so the account itself is refused; ${NEW_PASSWORD_ADVICE}`,
    );
  }
  return new RetriableError(
    "Cannot log in to GoodWe again in this run: GoodWe refused a session this run already " +
      "logged in with; one login per run keeps the account clear of GY0429, the next run tries again",
  );
}

async function firstSession(
  call: TokenCall,
  secret: GoodWeSecret,
  config: GoodWeConfig,
): Promise<GoodWeSession> {
  const configured = secret.region ?? secret.session?.loginRegion ??
    (config.region === "auto" ? undefined : config.region);
  const regions: LoginRegion[] = configured ? [configured] : ["global", "eu"];
  const failures: Failure[] = [];
  // The variant that served the last session first: with SEMS+ refusing and the classic login
  // working, a renewal then costs one login instead of three.
  const last = secret.session?.loginVariant;
  const variants = last && config.logins.includes(last)
    ? [last, ...config.logins.filter((v) => v !== last)]
    : config.logins;
  for (const variant of variants) {
    const targets: Target[] = variant === "semsplus"
      ? regions.map((region) => ({ variant, region }))
      : [{ variant }];
    // Every host refused the password: another login variant would only repeat the refusal.
    let refusedEverywhere = true;
    for (const target of targets) {
      const outcome = await attempt(call, secret, target, config);
      if ("session" in outcome) return { ...outcome.session, loginVariant: variant };
      failures.push({ error: outcome.failed, rank: rank(outcome.failed) });
      if (outcome.next !== "host") refusedEverywhere = false;
    }
    if (refusedEverywhere) break;
  }
  // What says most: a refusal that needs a new password (SEMS+ 100004 before the classic login's
  // token-less answer), then a missing endpoint (configuration), then the first other refusal.
  const best = Math.min(...failures.map((f) => f.rank));
  throw failures.find((f) => f.rank === best)!.error;
}

interface Failure {
  error: Error;
  rank: number;
}

const needsNewPassword = new WeakSet<Error>();

function rank(error: Error): number {
  if (needsNewPassword.has(error)) return 0;
  if (error instanceof VendorConfigError) return 1;
  return error instanceof FatalCredentialError ? 2 : 3;
}

function refusal(message: string): FatalCredentialError {
  const error = new FatalCredentialError(message);
  needsNewPassword.add(error);
  return error;
}

/** Throws what concerns the credential or the service; returns what the next target may fix. */
async function attempt(
  call: TokenCall,
  secret: GoodWeSecret,
  target: Target,
  config: GoodWeConfig,
): Promise<Attempt> {
  const semsPlus = target.variant === "semsplus";
  const name = semsPlus ? `SEMS+ ${target.region}` : "classic SEMS";
  const what = `Cannot log in to GoodWe (${name})`;
  const body = semsPlus
    ? {
      account: secret.account,
      pwd: semsPlusPassword(secret.password),
      agreement: 1,
      // CN accounts log in on cn-semsplus with isChinese true (goodwe-sems-home-assistant#183).
      isChinese: target.region === "cn",
      isLocal: false,
    }
    : { account: secret.account, pwd: secret.password };
  const result = await call({
    url: semsPlus
      ? config.loginUrls[target.region!] + SEMS_PLUS_LOGIN_PATH
      : config.legacyLoginUrl + LEGACY_LOGIN_PATH,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", token: APP_TOKEN },
    body: JSON.stringify(body),
    label: `GoodWe ${name} login`,
    fatalStatuses: [],
    acceptStatuses: [400, 401, 403, 404, 405, 410],
  });
  if ([404, 405, 410].includes(result.status)) {
    const variable = !semsPlus
      ? "GOODWE_LEGACY_LOGIN_URL"
      : target.region === "global"
      ? "GOODWE_LOGIN_URL"
      : `GOODWE_LOGIN_URL_${target.region!.toUpperCase()}`;
    return {
      failed: new VendorConfigError(
        `${what}: the login endpoint answered HTTP ${result.status}; check ${variable}`,
      ),
      next: "any",
    };
  }
  if (result.status !== 200) {
    throw new RetriableError(`${what}: received HTTP ${result.status}`, { status: result.status });
  }
  const answer = readAnswer(result, what);
  const said = describeAnswer(answer);
  switch (codeKind(answer.code)) {
    case "ok": {
      const session = sessionOf(answer, target.region);
      if (session) return { session };
      // Since September 2026 the classic login answers this for accounts moved to SEMS+ (#213).
      return {
        failed: refusal(
          `${what}: GoodWe answered success (${said}) without a usable session token, as it ` +
            `does for accounts it refuses since September 2026; ${NEW_PASSWORD_ADVICE}`,
        ),
        next: "any",
      };
    }
    case "bad_credentials":
      // Another host may know the account; another login variant would only repeat the refusal.
      return { failed: new FatalCredentialError(`${what}: GoodWe answered ${said}`), next: "host" };
    case "parameter":
      return {
        failed: refusal(
          `${what}: GoodWe refused the SEMS+ login with ${said} (100004 parameter error is ` +
            `GoodWe's answer to accounts that need a new password); ${NEW_PASSWORD_ADVICE}`,
        ),
        next: "any",
      };
    case "rate_limited":
      throw new RetriableError(`${what}: GoodWe answered ${said}`, {
        retryAfterMs: config.backoffMs,
      });
    case "system":
      if (!semsPlus && /ver is not fund/i.test(String(answer.msg ?? ""))) {
        return {
          failed: new VendorConfigError(
            `${what}: GoodWe answered ${said}, its answer to the retired v2 CrossLogin; check ` +
              `GOODWE_LEGACY_LOGIN_URL (this adapter calls ${LEGACY_LOGIN_PATH})`,
          ),
          next: "any",
        };
      }
      throw new RetriableError(`${what}: GoodWe answered ${said}`);
    default:
      throw new RetriableError(`${what}: GoodWe answered ${said}`);
  }
}

interface LoginAnswer {
  code?: unknown;
  msg?: unknown;
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

function sessionOf(
  answer: LoginAnswer,
  region: LoginRegion | undefined,
): GoodWeSession | undefined {
  const data = answer.data as Record<string, unknown> | null | undefined;
  if (!data || typeof data !== "object" || Array.isArray(data)) return undefined;
  if (typeof data.token !== "string" || data.token.trim() === "") return undefined;
  const session: GoodWeSession = {
    token: JSON.stringify(data),
    api: powerStationApi(answer.api, data),
    issuedAt: issuedAt(data.timestamp),
  };
  if (region) session.loginRegion = region;
  return session;
}

/** GoodWe's own login time (ms since the epoch in the fixtures), else our clock. */
function issuedAt(timestamp: unknown): string {
  const n = typeof timestamp === "string" ? Number(timestamp) : timestamp;
  if (typeof n === "number" && Number.isFinite(n) && n > 1e12 && n < 1e14) {
    return new Date(n).toISOString();
  }
  return new Date().toISOString();
}
