/**
 * A local GoodWe SEMS cloud for the demo, the integration tests and the benchmark. One server
 * plays every login host and the regional APIs under `/{eu|us|au}/api/`, whose base the logins
 * answer as `api`. The SEMS+ hosts are told apart by a path prefix standing in for the host name
 * (vendors.md "Corrections, December 2026": global `semsplus.goodwe.com`, `eu-semsplus.goodwe.com`,
 * `cn-semsplus.goodwe.com`): `/web/sems/...` is global, `/eu-semsplus/web/sems/...` and
 * `/cn-semsplus/web/sems/...` the regional ones; the classic CrossLogin is `/api/v3/Common/CrossLogin`
 * and its retired v2 path answers 100000 "ver is not fund" (#189). Like GoodWe it answers every API
 * call with HTTP 200 and a `code`: 100001 for an unknown token or one sent to another region, 100002
 * for an expired session, 100005 for a wrong password, GY0429 past the per-account per-minute
 * limit. `/_sim` is an unauthenticated admin API. Facts: ../../shared/vendors.md §4 and its
 * December 2026 corrections.
 */
import { adminResponse } from "./goodwe_admin.ts";
import { validAccount } from "./goodwe_accounts.ts";
import { EXPIRED, NOT_LOGGED_IN, RATE_LIMITED, semsError } from "./goodwe_answer.ts";
import type { SimDateFormat, SimTimeStyle } from "./goodwe_clock.ts";
import { createFaultStore, faultResponse, type SimFault } from "./goodwe_faults.ts";
import { LOGIN_PATHS, loginResponse } from "./goodwe_login.ts";
import { regionalResponse } from "./goodwe_routes.ts";
import { createSessionStore, type SimSession } from "./goodwe_sessions.ts";
import { createRateLimit } from "./solaredge_rate_limit.ts";
import { serveSimulator } from "./serve.ts";

export type { SimDateFormat, SimTimeStyle } from "./goodwe_clock.ts";
export type { FaultKind, SimFault } from "./goodwe_faults.ts";

export interface SimPlant {
  /** A UUID, as in the portal's URLs. */
  id: string;
  name: string;
  /** IANA zone: local day and night, and the wall-clock times GoodWe prints. */
  timeZone: string;
  capacityKw: number;
}

export interface SimAccount {
  /** The login e-mail. */
  account: string;
  password: string;
  /** The account's locale date format, `MM/dd/yyyy` when omitted. */
  dateFormat?: SimDateFormat;
  /**
   * `spaced` prints times with a space after each colon (`17: 06: 27`), as a real monitor detail
   * does (goodwe-sems-home-assistant tests/test-data/20250623_homekit_getData.json).
   */
  timeStyle?: SimTimeStyle;
  /**
   * The SEMS+ login host that knows the account, `global` when omitted; the other SEMS+ hosts
   * answer it 100005. `cn` also wants `isChinese: true` (goodwe-sems-home-assistant#183).
   */
  loginHost?: "global" | "eu" | "cn";
  /** Which regional API the logins send the account to; `eu` when omitted. */
  region?: "eu" | "us" | "au";
  plants: SimPlant[];
  /** An owner account whose plant list answers empty, as some do. */
  ownerOnly?: boolean;
  /** `parameter-error`: SEMS+ answers 100004 for this account, as reported in Sept 2026. */
  semsPlusLogin?: "ok" | "parameter-error";
  /**
   * `no-token`: the classic login answers success whose `data` holds no token, as reported for
   * the same accounts since 2026-09-23 (goodwe-sems-home-assistant#213).
   */
  legacyLogin?: "ok" | "no-token";
  /**
   * The account is refused: every session it gets is answered 100002 right after the login
   * (goodwe-sems-home-assistant#216).
   */
  refused?: boolean;
  perMinuteLimit?: number;
  /**
   * A fault, not GoodWe's behaviour: the plants may have any non-empty id (`../x`, `a/b`,
   * unicode, 10 KB), as a hostile or broken cloud might list them.
   */
  hostilePlantIds?: boolean;
}

export interface GoodWeSimulatorOptions {
  now?: () => Date;
  /** Requests per minute per account unless the account overrides it; default 120. */
  perMinuteLimit?: number;
  /** Default 3600; GoodWe's real lifetime is undocumented. */
  sessionLifetimeSeconds?: number;
}

export interface RequestLog {
  /** Every request of the account: logins and API calls, answered or not. */
  count: number;
  logins: number;
  /** Request paths, oldest first. */
  paths: string[];
  /** Parsed JSON bodies of the API calls (logins are left out: they carry the password). */
  bodies: unknown[];
}

export interface GoodWeSimulator {
  handler: (req: Request) => Promise<Response>;
  /** Adds the account, or replaces the one with the same login while keeping its counters. */
  addAccount(account: SimAccount): void;
  removeAccount(account: string): boolean;
  addFault(fault: SimFault): void;
  clearFaults(): void;
  setSessionLifetime(seconds: number): void;
  /** Expires the account's live sessions now; returns how many there were. */
  expireSessions(account: string): number;
  requests(account: string): RequestLog;
  resetRequests(): void;
}

const REGIONAL = /^\/(eu|us|au)\/api\/(.+)$/;

export function createGoodWeSimulator(options: GoodWeSimulatorOptions = {}): GoodWeSimulator {
  const now = options.now ?? (() => new Date());
  const defaultLimit = options.perMinuteLimit ?? 120;
  const accounts = new Map<string, SimAccount>();
  const sessions = createSessionStore(options.sessionLifetimeSeconds ?? 3600);
  const faults = createFaultStore();
  const rate = createRateLimit();
  let log = new Map<string, RequestLog>();

  const sim: GoodWeSimulator = {
    async handler(req) {
      const url = new URL(req.url);
      if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) {
        return await adminResponse(sim, req, url);
      }
      const variant = LOGIN_PATHS[url.pathname];
      const regional = REGIONAL.exec(url.pathname);
      if (!variant && !regional) return notFound();
      if (req.method !== "POST") {
        return new Response(null, { status: 405, headers: { allow: "POST" } });
      }
      const body = parseBody(await req.text());
      const at = now();
      let session: SimSession | undefined;
      let account: SimAccount | undefined;
      if (variant) {
        account = accounts.get(String(body?.account ?? ""));
      } else {
        session = sessions.find(req.headers.get("token"));
        account = session && accounts.get(session.account);
      }
      const real = (): Response => {
        if (variant) {
          return loginResponse(variant, account, body, {
            sessions,
            origin: url.origin,
            nowMs: at.getTime(),
          });
        }
        const check = sessions.check(session, regional![1], at.getTime());
        if (check !== "ok" || !account) {
          return semsError(check === "expired" ? EXPIRED : NOT_LOGGED_IN);
        }
        if (account.refused) return semsError(EXPIRED);
        return regionalResponse(account, regional![2], body, at) ?? notFound();
      };
      // Requests that name no known account are answered but neither logged nor limited.
      if (!account) return real();
      record(account.account, url.pathname, variant ? undefined : body, Boolean(variant));
      const limit = account.perMinuteLimit ?? defaultLimit;
      if (!rate.take(account.account, limit, at.getTime()).allowed) return semsError(RATE_LIMITED);
      const fired = faults.take(account.account, url.pathname);
      return fired ? await faultResponse(fired, req.signal, real) : real();
    },
    addAccount(account) {
      const valid = validAccount(account);
      accounts.set(valid.account, valid);
    },
    removeAccount: (account) => accounts.delete(account),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setSessionLifetime: (seconds) => sessions.setLifetime(seconds),
    expireSessions: (account) => sessions.expire(account, now().getTime()),
    requests(account) {
      const entry = log.get(account);
      return entry
        ? { ...entry, paths: [...entry.paths], bodies: [...entry.bodies] }
        : { count: 0, logins: 0, paths: [], bodies: [] };
    },
    resetRequests() {
      log = new Map();
    },
  };

  function record(account: string, path: string, body: unknown, isLogin: boolean) {
    const entry = log.get(account) ?? { count: 0, logins: 0, paths: [], bodies: [] };
    entry.count++;
    if (isLogin) entry.logins++;
    entry.paths.push(path);
    if (!isLogin) entry.bodies.push(body ?? null);
    log.set(account, entry);
  }

  return sim;
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What the web server in front answers for a path GoodWe does not serve. */
function notFound(): Response {
  return new Response("<html><body><h1>404 Not Found</h1></body></html>", {
    status: 404,
    headers: { "content-type": "text/html" },
  });
}

/** Serves a simulator on 127.0.0.1 (port 0 picks a free port: read `server.addr.port`). */
export function serveGoodWeSimulator(
  options: { port: number; hostname?: string } & GoodWeSimulatorOptions,
): { server: Deno.HttpServer<Deno.NetAddr>; sim: GoodWeSimulator } {
  return serveSimulator(createGoodWeSimulator, options, { rateLimited: answersGY0429 });
}

/** GoodWe refuses a too-fast client with HTTP 200 and code GY0429 (vendors.md §4.2). */
async function answersGY0429(res: Response): Promise<boolean> {
  if (!res.headers.get("content-type")?.includes("json")) return false;
  const body = await res.json().catch(() => undefined);
  return body?.code === RATE_LIMITED.code;
}
