/**
 * Sessions handed out by the simulated logins. The `token` header carries the login's whole
 * `data` object as JSON; a session belongs to one account and one region, lives a settable time
 * (GoodWe's lifetime is undocumented) and answers 100002 once expired. A token the simulator never
 * issued, one sent to another region's API, or one from a SEMS+ login without its three app
 * fields answers 100001, as vendors.md §4.1 describes.
 */
export type SessionCheck = "ok" | "not_logged_in" | "expired";

export interface SimSession {
  account: string;
  region: string;
  /** False for SEMS+ logins without agreement/isChinese/isLocal: the token never works. */
  usable: boolean;
  data: {
    uid: string;
    timestamp: number;
    token: string;
    client: string;
    version: string;
    language: string;
  };
}

export interface SessionStore {
  issue(account: string, region: string, usable: boolean, nowMs: number): SimSession;
  /** The session named by a `token` header, valid or not. */
  find(header: string | null): SimSession | undefined;
  check(session: SimSession | undefined, region: string, nowMs: number): SessionCheck;
  /** Expires every live session of the account now; returns how many there were. */
  expire(account: string, nowMs: number): number;
  setLifetime(seconds: number): void;
}

export function createSessionStore(lifetimeSeconds = 3600): SessionStore {
  const sessions = new Map<string, SimSession & { expired: boolean }>();
  let lifetimeMs = lifetimeSeconds * 1000;
  return {
    issue(account, region, usable, nowMs) {
      const token = crypto.randomUUID().replaceAll("-", "");
      const data = {
        uid: crypto.randomUUID(),
        timestamp: nowMs,
        token,
        client: "ios",
        version: "",
        language: "en",
      };
      const session = { account, region, usable, data, expired: false };
      sessions.set(token, session);
      return session;
    },
    find(header) {
      if (header === null) return undefined;
      try {
        const sent = JSON.parse(header) as { token?: unknown; uid?: unknown };
        const session = typeof sent.token === "string" ? sessions.get(sent.token) : undefined;
        return session && session.data.uid === sent.uid ? session : undefined;
      } catch {
        return undefined;
      }
    },
    check(session, region, nowMs) {
      if (!session || !session.usable || session.region !== region) return "not_logged_in";
      const s = sessions.get(session.data.token)!;
      return s.expired || nowMs >= s.data.timestamp + lifetimeMs ? "expired" : "ok";
    },
    expire(account, nowMs) {
      let n = 0;
      for (const s of sessions.values()) {
        if (s.account === account && !s.expired && nowMs < s.data.timestamp + lifetimeMs) {
          s.expired = true;
          n++;
        }
      }
      return n;
    },
    setLifetime(seconds) {
      if (!Number.isInteger(seconds) || seconds < 1) {
        throw new TypeError("Cannot set the session lifetime: seconds must be a positive integer");
      }
      lifetimeMs = seconds * 1000;
    },
  };
}
