/**
 * One call to GoodWe's regional API: POST JSON to the session's `api` base (never `ctx.baseUrl`,
 * which is the login host), with the credential's `token` header that `ctx.http` adds. GoodWe
 * answers every error with HTTP 200, so the body's `code` decides what the call was. After a
 * renewal the core repeats a call with its original URL: an account keeps its region across
 * logins, so the old base still fits.
 */
import { RetriableError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import type { AdapterContext, RecordedResponse } from "../../../shared/types.ts";
import { goodweConfig } from "./config.ts";
import { answerError } from "./errors.ts";
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
  const error = answerError(body, label, goodweConfig(ctx.vendorConfig).backoffMs);
  if (error) throw error;
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
