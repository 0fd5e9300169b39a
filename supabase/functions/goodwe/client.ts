/**
 * One call to GoodWe's regional API: POST JSON to the session's `api` base (never `ctx.baseUrl`,
 * which is the login host), with the credential's `token` header that `ctx.http` adds. GoodWe
 * answers every error with HTTP 200, so the body's `code` decides what the call was. After a
 * renewal the core repeats a call with its original URL: an account keeps its region across
 * logins, so the old base still fits.
 */
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import type { AdapterContext, RecordedResponse } from "../../../shared/types.ts";
import { goodweConfig } from "./config.ts";
import { answerError, codeKind, describeAnswer } from "./errors.ts";
import { NEW_PASSWORD_ADVICE } from "./login.ts";
import { isUnproven, noteSessionWorks } from "./run_logins.ts";
import type { GoodWeSecret } from "./secret.ts";

export interface SemsCall {
  /** Relative to the regional base, e.g. `v2/PowerStation/GetMonitorDetailByPowerstationId`. */
  path: string;
  /** JSON body; `GetPowerStationIdByOwner` takes none. */
  payload?: unknown;
  /** How errors name the call; the path when absent. */
  label?: string;
}

export interface SemsAnswer {
  /** The envelope's `data`. */
  data: unknown;
  /** The answer as received, for the S3 envelope: the URL carries no secret. */
  recorded: RecordedResponse;
}

export async function callSems(
  ctx: AdapterContext<GoodWeSecret>,
  call: SemsCall,
): Promise<SemsAnswer> {
  const label = call.label ?? `GoodWe ${call.path}`;
  const url = (await session(ctx, label)).api + call.path;
  const result = await ctx.http({
    url,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: call.payload === undefined ? undefined : JSON.stringify(call.payload),
    label,
    // GoodWe never signals auth with a status; a 401/403 would come from a proxy in between.
    fatalStatuses: [],
  });
  const body = parseJson(result, label);
  const token = ctx.secret.session?.token;
  const error = refusedSession(ctx, body, label, token) ??
    answerError(body, label, goodweConfig(ctx.vendorConfig).backoffMs);
  if (error) throw error;
  if (token !== undefined) noteSessionWorks(token);
  answered.add(ctx);
  return {
    data: (body as { data?: unknown }).data,
    recorded: {
      endpoint: call.path,
      request: { method: "POST", url },
      status: result.status,
      body,
    },
  };
}

// Contexts (one per credential and run) that have had at least one successful answer.
const answered = new WeakSet<object>();

/**
 * 100001/100002 reach the adapter only after the core has renewed the session once for this call
 * (`tokens.isExpired`). When that session is fresh from this run's login and nothing of this run
 * has worked yet, GoodWe is refusing the account itself (goodwe-sems-home-assistant#216): the
 * credential needs its owner, and another login would only earn GY0429. When other calls of the
 * run worked, only this plant is refused (#197 reports 100002 for SEMS+ "stationType 2" plants
 * with a working token): a bad record for the site.
 */
function refusedSession(
  ctx: AdapterContext<GoodWeSecret>,
  body: unknown,
  label: string,
  token: string | undefined,
): Error | undefined {
  const kind = codeKind((body as { code?: unknown } | null)?.code);
  if (kind !== "expired" && kind !== "not_logged_in") return undefined;
  const said = describeAnswer(body);
  if (answered.has(ctx)) {
    return new BadRecordError(
      `Cannot call ${label}: GoodWe answered ${said} even after a new login, while the ` +
        "account's other calls in this run worked; GoodWe may not serve this plant through this API",
    );
  }
  if (!isUnproven(token)) return undefined;
  return new FatalCredentialError(
    `Cannot use GoodWe account: GoodWe answered ${said} right after a fresh login, so the ` +
      `account itself is refused; ${NEW_PASSWORD_ADVICE}`,
  );
}

/**
 * Every GoodWe URL depends on the `api` that the login answers, so a credential without a session
 * logs in (through the core, which stores the session encrypted) before its first call.
 */
async function session(ctx: AdapterContext<GoodWeSecret>, label: string) {
  if (!ctx.secret.session) await ctx.authorize?.();
  const current = ctx.secret.session;
  if (!current) {
    throw new RetriableError(`Cannot call ${label}: the credential has not logged in yet`);
  }
  return current;
}
