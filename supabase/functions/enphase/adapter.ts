/**
 * Enphase Enlighten API v4 (Monitoring API), https://api.enphaseenergy.com/api/v4.
 * Auth: OAuth 2.0 authorization code; every call carries the homeowner's access token as a bearer
 * AND the application's API key as `?key=`. Access tokens live a day (86393 s); refresh tokens a
 * month and rotate on every refresh, so only the newest document works. Limits per application by
 * plan: Watt 10 a minute and 1,000 a month (the core takes the per-minute figure from the
 * credential's plan), 429 without Retry-After; the 429 body names the `period`, `minute` (retried
 * after a backoff) or `month` (the app's quota, shared by every homeowner: the credential pauses). Systems come from `/systems` in pages of 100;
 * production from `telemetry/production_micro` (5 min) and `production_meter` (15 min), one call
 * each per day. Facts and sources: vendors.md §2.
 * Docs: https://developer-v4.enphase.com/docs/quickstart.html
 */
import {
  BadRecordError,
  FatalCredentialError,
  RetriableError,
  VendorConfigError,
} from "../../../shared/errors.ts";
import type { HttpResult } from "../../../shared/http.ts";
import { parseJson } from "../../../shared/json.ts";
import type {
  Adapter,
  AdapterContext,
  RecordedResponse,
  VendorSite,
} from "../../../shared/types.ts";
import { required } from "./config.ts";
import { enphaseConnect } from "./connect.ts";
import { type TelemetryKind, toReadings } from "./map.ts";
import { enphaseTokens } from "./tokens.ts";
import { jsonOrUndefined, scrub, vendorText } from "./vendor_text.ts";
import { emptySiteData, inWindow } from "../../../shared/site_data.ts";
import { UnreadableValues } from "../../../shared/unreadable.ts";

export interface EnphaseSecret {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ISO-8601. */
  expiresAt: string;
}

const spec = {
  source: "enphase",
  apiVersion: "v4",
  baseUrl: "https://api.enphaseenergy.com/api/v4",
  auth: "oauth2",
  pageSize: 100,
  resolutionMinutes: 15,
  // `granularity=day` returns up to 288 five-minute intervals; one day per call keeps calls few.
  maxRangeHours: 24,
  rateLimits: { perMinute: 10, perMonth: 1000, concurrency: 1 },
  callsPerWindow: 2,
  // "requested start must be within 2 years" (vendors.md, Enphase telemetry, from the Swagger).
  historyDays: 730,
  endpoints: [
    "/systems",
    "/systems/{system_id}/telemetry/production_micro",
    "/systems/{system_id}/telemetry/production_meter",
  ],
} as const;

const DAY_MS = 86_400_000;
const STEP_MS: Record<TelemetryKind, number> = {
  production_micro: 300_000,
  production_meter: 900_000,
};

type Ctx = AdapterContext<EnphaseSecret>;

interface SystemsPage {
  total?: unknown;
  systems?: Array<{ system_id?: unknown; name?: unknown; timezone?: unknown }>;
}

export const enphase: Adapter<EnphaseSecret> = {
  spec,
  requiredConfig: ["ENPHASE_CLIENT_ID", "ENPHASE_CLIENT_SECRET", "ENPHASE_API_KEY"],

  parseSecret(document) {
    const d = (document ?? {}) as Record<string, unknown>;
    for (const field of ["accessToken", "refreshToken", "expiresAt"]) {
      if (typeof d[field] !== "string" || (d[field] as string).trim() === "") {
        throw new BadRecordError(`Cannot use Enphase credential: ${field} is missing`);
      }
    }
    const expiresAt = Date.parse(d.expiresAt as string);
    if (Number.isNaN(expiresAt)) {
      throw new BadRecordError("Cannot use Enphase credential: expiresAt is not an ISO date-time");
    }
    const secret = {
      accessToken: (d.accessToken as string).trim(),
      refreshToken: (d.refreshToken as string).trim(),
      expiresAt: new Date(expiresAt).toISOString(),
    };
    return { secret, sensitive: [secret.accessToken, secret.refreshToken] };
  },

  authHeaders: (secret) => ({ Authorization: `Bearer ${secret.accessToken}` }),

  describeFatal(status) {
    if (status === 403) {
      return "Enphase refused the systems list (HTTP 403): the homeowner's approval no longer " +
        "covers this app; ask them to connect the account again";
    }
    return undefined;
  },

  tokens: enphaseTokens,
  connect: enphaseConnect,

  async fetchSitesList(ctx) {
    const sites: VendorSite[] = [];
    let seen = 0;
    for (let page = 1;; page++) {
      const params = { page: String(page), size: String(spec.pageSize) };
      // A 403 on the list concerns the whole authorization, so it disables the credential.
      const { body } = await getJson(ctx, "/systems", params, "/systems", [403]);
      const list = (body as SystemsPage).systems;
      if (!Array.isArray(list)) {
        throw new BadRecordError("Cannot read Enphase /systems response: systems is missing");
      }
      for (const s of list) {
        if (typeof s?.system_id !== "number" && typeof s?.system_id !== "string") continue;
        sites.push({
          vendorSiteId: String(s.system_id),
          name: typeof s.name === "string" ? s.name : undefined,
          timezone: typeof s.timezone === "string" ? s.timezone : undefined,
        });
      }
      seen += list.length;
      const total = (body as SystemsPage).total;
      if (list.length === 0 || typeof total !== "number" || seen >= total) return sites;
    }
  },

  async fetchSiteData(ctx, site, window) {
    const data = emptySiteData();
    const from = window.from.getTime();
    const to = window.to.getTime();
    const id = encodeURIComponent(site.vendorSiteId);
    const unreadable = new UnreadableValues();
    for (const kind of ["production_micro", "production_meter"] as const) {
      const step = STEP_MS[kind];
      data.intervalsExpected += Math.max(0, Math.floor(to / step) - Math.floor(from / step));
      const slots = new Set<string>();
      // Each call covers (start_at, start_at + 1 day]; none starts in the future, which Enphase
      // would reject with 422.
      for (let start = from; start < to && start < ctx.now().getTime(); start += DAY_MS) {
        const path = `/systems/${id}/telemetry/${kind}`;
        const params = { start_at: String(Math.floor(start / 1000)), granularity: "day" };
        const label = `/systems/${site.vendorSiteId}/telemetry/${kind}`;
        // 403 and 404 concern this system only; the credential still works for the others.
        const { body, recorded } = await getJson(ctx, path, params, label, []);
        data.responses.push({ ...recorded, endpoint: `/systems/{system_id}/telemetry/${kind}` });
        const mapped = toReadings(body, kind);
        data.dropped += mapped.dropped;
        unreadable.merge(mapped.unreadable);
        for (const r of mapped.readings) {
          if (!inWindow(r.ts, window)) continue;
          data.readings.push(r);
          slots.add(r.ts);
        }
      }
      data.intervalsReceived += slots.size;
    }
    if (unreadable.count > 0) data.unreadable = unreadable.list();
    return data;
  },
};

async function getJson(
  ctx: Ctx,
  path: string,
  params: Record<string, string>,
  what: string,
  fatalStatuses: number[],
): Promise<{ body: unknown; recorded: RecordedResponse }> {
  const key = required(ctx.vendorConfig, "ENPHASE_API_KEY");
  const query = new URLSearchParams(params);
  const url = `${ctx.baseUrl}${path}?key=${encodeURIComponent(key)}&${query}`;
  const label = `Enphase ${what}`;
  // The core renews the token and retries once on a 401 before this code sees it; the 401 that
  // still arrives is read here, because its body tells the app's fault from the customer's.
  const result = await ctx.http({
    url,
    label,
    fatalStatuses,
    acceptStatuses: [401],
    readRefusal: (r) => r.status === 429 ? monthSpent(r, label, ctx.now()) : undefined,
  });
  if (result.status === 401) throw unauthorized(result, label, [key, ctx.secret.accessToken]);
  const body = parseJson(result, label);
  const recorded = {
    endpoint: path,
    request: { method: "GET", url: `${ctx.baseUrl}${path}?key=[redacted]&${query}` },
    status: result.status,
    body,
  };
  return { body, recorded };
}

/**
 * A 429 whose body says `"period":"month"`: the application's monthly quota is spent. It is the
 * app's, shared by every homeowner the app reads (vendors.md "Corrections, December 2026"), so no
 * retry in this run can succeed; the long `retryAfterMs` pauses the credential. The Swagger's 429
 * example carries `period_end` (epoch seconds); without it the quota is taken to renew at the
 * start of the next UTC month. A `minute` 429, or one without a period, is left to the backoff.
 */
function monthSpent(result: HttpResult, label: string, now: Date): RetriableError | undefined {
  const body = jsonOrUndefined(result.text) as Record<string, unknown> | undefined;
  if (body?.period !== "month") return undefined;
  const end = typeof body.period_end === "number" ? body.period_end * 1000 : Number.NaN;
  const resumes = end > now.getTime()
    ? end
    : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const details = typeof body.details === "string" ? `: ${body.details}` : "";
  return new RetriableError(
    `Cannot call ${label}: the Enphase application's monthly quota is spent (HTTP 429${details}); ` +
      "it is shared by every homeowner the app reads, so this credential pauses until " +
      new Date(resumes).toISOString().slice(0, 10),
    { status: 429, retryAfterMs: Math.max(60_000, resumes - now.getTime()) },
  );
}

function unauthorized(result: HttpResult, label: string, secrets: string[]): Error {
  const details = scrub(vendorText(result.text, ["details", "message"]), secrets);
  // "API Key -Client mismatch": ENPHASE_API_KEY and the token's client are different apps. No
  // customer can fix that, so no credential is disabled (vendors.md §2.2).
  if (/(key|client)\s*-?\s*(client\s*)?mismatch/i.test(details)) {
    return new VendorConfigError(
      `Cannot call ${label}: Enphase answered "${details}": ENPHASE_API_KEY belongs to another ` +
        "app than ENPHASE_CLIENT_ID",
    );
  }
  return new FatalCredentialError(
    `Cannot call ${label}: Enphase rejected the access token (HTTP 401): ${details}`,
    { status: 401 },
  );
}
