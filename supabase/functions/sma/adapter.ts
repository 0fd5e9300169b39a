/**
 * SMA Monitoring API v1, https://monitoring.smaapis.de, for Sunny Portal Classic and ennexOS
 * plants. Auth: OAuth 2.0 bearer tokens from SMA's Keycloak (auth.smaapis.de), living 300 s,
 * either from the owner's authorization code with `offline_access` (a refresh token without fixed
 * expiry, treated as rotating) or from the B2B backchannel flow (backchannel.ts).
 * Data: one plant-local day per request, five-minute sets per active solar inverter; no paging
 * seen. Per device and plant-local day the window touches, two sets (vendors.md "Corrections,
 * December 2026", SMA):
 * - `EnergyAndPowerPv?ReturnEnergyValues=true`: `pvGeneration`, Wh per interval -> energy_wh;
 * - `PowerAc`: `activePower`, the inverter's AC output in W -> power_w. This is where power_w
 *   comes from: `EnergyAndPowerPv` has no `pvPower`, and asking it again without
 *   ReturnEnergyValues would cost the same extra call for PV-side watts instead of AC.
 * PowerAc is asked of every active solar inverter without first reading the device's
 * `/measurements/sets` (every captured inverter lists it), which would cost one more call per
 * device; a device that answers 404 for it keeps its energy and gets no power_w.
 * Limits: since 2025-07-01 a plan-specific number of requests per CLIENT credential (the API
 * client, not the plant owner) per 5-minute window, answered with 429 and no Retry-After
 * (vendors.md §3.5 and Corrections). Every request here, the PowerAc ones included, goes through
 * `ctx.http`, so the core's pacer (`perFiveMinutes` of the plan or SMA_PER_FIVE_MINUTES) counts
 * each attempt of this credential, and first takes its place in the client's window, which all
 * SMA credentials of the client share (client_window.ts). Cost of one window: 1 device list (+1
 * plant when the site has no zone) + 2 per device and local day. Requests are made one at a time.
 * Docs: https://developer.sma.de/sma-apis.html
 */
import { BadRecordError, FatalCredentialError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import type {
  Adapter,
  AdapterContext,
  Reading,
  SiteData,
  VendorSite,
} from "../../../shared/types.ts";
import { UnreadableValues } from "../../../shared/unreadable.ts";
import { smaBackchannel } from "./backchannel.ts";
import { inverters, localDates, plantTimeZone } from "./plant.ts";
import { toReadings } from "./map.ts";
import { parseSmaSecret } from "./secret.ts";
import { authUrl, requestToken } from "./token_request.ts";
import { emptySiteData } from "../../../shared/site_data.ts";
import { type ClientWindows, clientWindows, pacedByClient } from "./client_window.ts";

export interface SmaSecret {
  accessToken: string;
  refreshToken?: string;
  /** ISO-8601 expiry of `accessToken`. */
  expiresAt: string;
  flow: "code" | "backchannel";
  /** The owner's e-mail for the backchannel flow. */
  loginHint?: string;
}

const ENERGY_SET = "/v1/devices/{deviceId}/measurements/sets/EnergyAndPowerPv/Day";
const POWER_SET = "/v1/devices/{deviceId}/measurements/sets/PowerAc/Day";

const spec = {
  source: "sma",
  apiVersion: "v1",
  baseUrl: "https://monitoring.smaapis.de",
  auth: "oauth2",
  pageSize: 100,
  maxRangeHours: 24,
  resolutionMinutes: 5,
  // One window per plant-local day: the day sets are asked for by local date, one call each.
  windowAlignment: { localDay: true },
  // The per-5-minute number is plan-specific: the core takes `perFiveMinutes` from the plan.
  rateLimits: { concurrency: 1 },
  callsPerWindow: 3,
  endpoints: [
    "/v1/plants",
    "/v1/plants/{plantId}",
    "/v1/plants/{plantId}/devices/lean",
    ENERGY_SET,
    POWER_SET,
  ],
} as const;

type Ctx = AdapterContext<SmaSecret>;

/** The SMA adapter; `windows` holds the client's 5-minute window (client_window.ts). */
export function createSma(windows: ClientWindows = clientWindows): Adapter<SmaSecret> {
  return {
    spec,
    requiredConfig: ["SMA_CLIENT_ID", "SMA_CLIENT_SECRET"],
    parseSecret: parseSmaSecret,

    authHeaders: (secret) => ({ Authorization: `Bearer ${secret.accessToken}` }),

    describeFatal(status) {
      if (status === 401) {
        return "SMA rejected the access token (HTTP 401) even after renewing it: reconnect the " +
          "SMA account";
      }
      if (status === 403) {
        return "SMA refused the plant list (HTTP 403): check the app's API access";
      }
      return undefined;
    },

    tokens: {
      // Access tokens live 300 s: renewing 5 minutes ahead (the default) would renew every call.
      marginSeconds: 60,
      current: (s) => ({ accessToken: s.accessToken, expiresAt: new Date(s.expiresAt) }),
      async renew(call, s, vendor) {
        if (s.flow === "backchannel") {
          return await smaBackchannel.tokenFor(call, vendor, s.loginHint ?? "");
        }
        const token = await requestToken(call, vendor, {
          grant_type: "refresh_token",
          refresh_token: s.refreshToken ?? "",
        }, "renew the SMA access token");
        // Rotation is assumed (vendors.md §3.2): the newest refresh token is the only good one.
        return { ...s, ...token, refreshToken: token.refreshToken ?? s.refreshToken };
      },
    },

    connect: {
      authorizeUrl(vendor, redirectUri, state) {
        const q = new URLSearchParams({
          response_type: "code",
          client_id: vendor.SMA_CLIENT_ID ?? "",
          redirect_uri: redirectUri,
          state,
          scope: "offline_access",
        });
        return `${authUrl(vendor)}/oauth2/auth?${q}`;
      },
      async exchangeCode(call, vendor, code, redirectUri) {
        const action = "exchange the SMA authorization code";
        const token = await requestToken(call, vendor, {
          grant_type: "authorization_code",
          code,
          redirect_uri: redirectUri,
        }, action);
        if (!token.refreshToken) {
          throw new FatalCredentialError(
            `Cannot ${action}: SMA granted no refresh token (was offline_access refused?)`,
          );
        }
        return { flow: "code", ...token };
      },
    },

    async fetchSitesList(unpaced) {
      const ctx = pacedByClient(unpaced, windows);
      const label = "SMA /v1/plants";
      const result = await ctx.http({ url: `${ctx.baseUrl}/v1/plants`, label });
      const body = parseJson(result, label) as { plants?: unknown } | null;
      if (!Array.isArray(body?.plants)) {
        throw new BadRecordError(`Cannot read ${label} response: plants is missing`);
      }
      const sites: VendorSite[] = [];
      for (const p of body.plants as Array<Record<string, unknown>>) {
        if (typeof p?.plantId !== "string" && typeof p?.plantId !== "number") continue;
        sites.push({
          vendorSiteId: String(p.plantId),
          name: typeof p.name === "string" ? p.name : undefined,
          timezone: typeof p.timezone === "string" ? p.timezone : undefined,
        });
      }
      // An empty list is how SMA says that no owner has consented (yet) to this app.
      if (sites.length === 0) ctx.logger.info("SMA lists no plants for this credential");
      return sites;
    },

    async fetchSiteData(unpaced, site, window) {
      const ctx = pacedByClient(unpaced, windows);
      const data = emptySiteData();
      const plantId = site.vendorSiteId;
      const zone = site.timezone || await plantTimeZone(ctx, plantId, data.responses);
      const devices = await inverters(ctx, plantId, data.responses);
      const slots = Math.max(0, (window.to.getTime() - window.from.getTime()) / 300_000);
      for (const device of devices) {
        data.intervalsExpected += slots;
        for (const date of localDates(window, zone)) {
          await fetchDay(ctx, device, date, { zone, window, data });
        }
      }
      return data;
    },
  };
}

export const sma: Adapter<SmaSecret> = createSma();

type Device = { deviceId: string; generatorPowerW?: number };
type DayTarget = { zone: string; window: { from: Date; to: Date }; data: SiteData };

async function fetchDay(ctx: Ctx, device: Device, date: string, o: DayTarget): Promise<void> {
  const energy = await fetchSet(ctx, device, date, o, "EnergyAndPowerPv");
  if (energy) o.data.intervalsReceived += energy.length;
  await fetchSet(ctx, device, date, o, "PowerAc");
}

/** One day set into `o.data`; the readings it added, or undefined when SMA has no such set. */
async function fetchSet(
  ctx: Ctx,
  device: Device,
  date: string,
  o: DayTarget,
  setType: "EnergyAndPowerPv" | "PowerAc",
): Promise<Reading[] | undefined> {
  const id = encodeURIComponent(device.deviceId);
  const query = setType === "PowerAc" ? `Date=${date}` : `Date=${date}&ReturnEnergyValues=true`;
  const url = `${ctx.baseUrl}/v1/devices/${id}/measurements/sets/${setType}/Day?${query}`;
  const label = `SMA ${setType} of device ${device.deviceId} on ${date}`;
  // Only 401 disables the credential; a 403 concerns this plant or device. A device without
  // PowerAc (404) still has its energy.
  const result = await ctx.http({
    url,
    label,
    fatalStatuses: [401],
    acceptStatuses: setType === "PowerAc" ? [404] : undefined,
  });
  const endpoint = setType === "PowerAc" ? POWER_SET : ENERGY_SET;
  if (result.status === 404) {
    o.data.responses.push({ endpoint, request: { method: "GET", url }, status: 404, body: null });
    ctx.logger.warn("SMA offers no PowerAc set for this device; power_w is missing", {
      device: device.deviceId,
    });
    return undefined;
  }
  const body = parseJson(result, label);
  o.data.responses.push({ endpoint, request: { method: "GET", url }, status: result.status, body });
  const mapped = toReadings(body, {
    capacityW: device.generatorPowerW,
    timeZone: o.zone,
    window: o.window,
    setType,
  });
  if (mapped.spikes.length > 0) {
    ctx.logger.warn("SMA reported implausible values; dropped", {
      device: device.deviceId,
      spikes: mapped.spikes.map((s) => `${s.metric} ${s.value} at ${s.ts}`),
    });
  }
  o.data.readings.push(...mapped.readings);
  o.data.dropped += mapped.dropped;
  if (mapped.unreadable.length > 0) {
    const all = new UnreadableValues();
    all.merge(o.data.unreadable);
    all.merge(mapped.unreadable.map((f) => ({ ...f, field: `${setType} ${f.field}` })));
    o.data.unreadable = all.list();
  }
  return mapped.readings;
}
