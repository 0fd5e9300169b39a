/**
 * Test set-up for the SMA adapter: the SMA simulator in-process (its handler is `fetch`), one app
 * client, one owner with a Berlin plant that reports zeros at night (so DST days are complete) and
 * a New York plant that does not, and a clock that sleeping moves, so retries take no real time.
 */
import { createSmaSimulator, type SmaSimOwner } from "../../local/simulators/sma.ts";
import { fetchWithRetry } from "../http.ts";
import { createLogger } from "../logger.ts";
import type { AdapterContext, TokenCall } from "../types.ts";
import { sma, type SmaSecret } from "../../supabase/functions/sma/adapter.ts";

export const VENDOR = {
  SMA_CLIENT_ID: "fleet-app",
  SMA_CLIENT_SECRET: "fleet-app-secret-0001",
  SMA_AUTH_URL: "http://sma.test",
  SMA_BC_URL: "http://sma.test",
};
export const BASE = "http://sma.test";
export const REDIRECT = "https://dashboard.example/connect/sma";

export const OWNER: SmaSimOwner = {
  email: "owner@example.com",
  password: "owner-password",
  plants: [
    {
      plantId: "4400001",
      name: "Kassel Depot",
      timeZone: "Europe/Berlin",
      nightZeros: true,
      devices: [
        { deviceId: "3001", name: "Roof east", generatorPowerW: 8000, peakPowerKw: 9.2 },
        { deviceId: "3002", name: "Roof west", generatorPowerW: 8000, peakPowerKw: 8.8 },
      ],
    },
    {
      plantId: "9100001",
      name: "Springfield Barn",
      timeZone: "America/New_York",
      devices: [{ deviceId: "9101", name: "Barn", generatorPowerW: 5000, peakPowerKw: 5.5 }],
    },
  ],
};

export function setupSma(
  options: {
    now?: string;
    perFiveMinutes?: number;
    allowRefreshReuse?: boolean;
    /** The simulator's clock instead of this set-up's, e.g. the core's in a simContext. */
    simClock?: () => Date;
  } = {},
) {
  let clock = Date.parse(options.now ?? "2026-10-25T14:07:00Z");
  const sim = createSmaSimulator({
    now: options.simClock ?? (() => new Date(clock)),
    allowRefreshReuse: options.allowRefreshReuse,
  });
  sim.addClient({
    clientId: VENDOR.SMA_CLIENT_ID,
    clientSecret: VENDOR.SMA_CLIENT_SECRET,
    perFiveMinutes: options.perFiveMinutes,
  });
  sim.addOwner(OWNER);
  const sleeps: number[] = [];
  const lines: string[] = [];
  const http = {
    fetch:
      ((input: string, init?: RequestInit) =>
        sim.handler(new Request(input, init))) as typeof fetch,
    sleep: (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    random: () => 0.5,
  };
  const call: TokenCall = (req) => fetchWithRetry(req, http);

  /** Builds the context the core would, without the core's renewal (tests call renew). */
  const context = (secret: SmaSecret): AdapterContext<SmaSecret> => ({
    baseUrl: BASE,
    secret,
    vendorConfig: VENDOR,
    plan: {},
    now: () => new Date(clock),
    logger: createLogger({ write: (line) => lines.push(line) }),
    http: (req) =>
      fetchWithRetry({ ...req, headers: { ...req.headers, ...sma.authHeaders(secret) } }, http),
  });

  /** The owner approves in the simulator's login; the app exchanges the code it was sent. */
  const connect = async (email = OWNER.email): Promise<SmaSecret> => {
    const authorize = new URL(sma.connect!.authorizeUrl(VENDOR, REDIRECT, "state-1"));
    authorize.searchParams.set("approve_as", email);
    const res = await sim.handler(new Request(authorize));
    const location = new URL(res.headers.get("location")!);
    return await sma.connect!.exchangeCode(
      call,
      VENDOR,
      location.searchParams.get("code")!,
      REDIRECT,
    );
  };

  return {
    sim,
    call,
    context,
    connect,
    sleeps,
    lines,
    advance: (ms: number) => clock += ms,
  };
}
