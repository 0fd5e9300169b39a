/**
 * Fault switches for the GoodWe simulator: the next `count` matching requests of an account (login
 * or API) fail the way GoodWe's cloud and the proxies in front of it fail, so fetchers can be
 * tested for retries, rate-limit pauses, re-logins and unreadable bodies without an outage.
 */
import { EXPIRED, RATE_LIMITED, semsError } from "./goodwe_answer.ts";

export type FaultKind = "5xx" | "429" | "GY0429" | "hang" | "malformed" | "html" | "expire";

export interface SimFault {
  /** Only requests of this account; any account when omitted. */
  account?: string;
  kind: FaultKind;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
}

export interface FaultStore {
  add(fault: SimFault): void;
  clear(): void;
  /** Consumes one use of the first fault matching the request, if any. */
  take(account: string, path: string): SimFault | undefined;
}

const KINDS: readonly string[] = ["5xx", "429", "GY0429", "hang", "malformed", "html", "expire"];
// A hung request whose client never aborts must still end, or the simulator process leaks it.
export const HANG_CAP_MS = 120_000;

export function createFaultStore(): FaultStore {
  let faults: { fault: SimFault; left: number }[] = [];
  return {
    add(fault) {
      faults.push({ fault: validFault(fault), left: fault.count });
    },
    clear() {
      faults = [];
    },
    take(account, path) {
      const hit = faults.find((f) =>
        (f.fault.account === undefined || f.fault.account === account) &&
        (f.fault.path === undefined || path.includes(f.fault.path))
      );
      if (!hit) return undefined;
      if (--hit.left === 0) faults = faults.filter((f) => f !== hit);
      return hit.fault;
    },
  };
}

/** The failing response; `real` yields what the request would have got, for truncation. */
export async function faultResponse(
  fault: SimFault,
  signal: AbortSignal,
  real: () => Response,
): Promise<Response> {
  switch (fault.kind) {
    case "5xx":
      return new Response(page("502 Bad Gateway"), { status: 502, headers: HTML });
    case "429":
      // The web server's own request limit, in front of GoodWe's: a status, not a code.
      return new Response(page("429 Too Many Requests"), { status: 429, headers: HTML });
    case "GY0429":
      return semsError(RATE_LIMITED);
    case "expire":
      return semsError(EXPIRED);
    case "hang":
      return await hang(signal);
    case "malformed": {
      const text = await real().text();
      // A proper prefix of a JSON object never parses, like a body cut off mid-transfer.
      return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        headers: { "content-type": "application/json" },
      });
    }
    case "html":
      // A maintenance or firewall page served with 200, which only the body gives away.
      return new Response(page("System maintenance"), { status: 200, headers: HTML });
  }
}

const HTML = { "content-type": "text/html; charset=utf-8" };

function page(title: string): string {
  return `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1>` +
    `</center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}

function hang(signal: AbortSignal): Promise<Response> {
  const ended = () => new Response(page("504 Gateway Time-out"), { status: 504, headers: HTML });
  if (signal.aborted) return Promise.resolve(ended());
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve(ended());
    };
    const timer = setTimeout(finish, HANG_CAP_MS);
    signal.addEventListener("abort", finish);
  });
}

function validFault(input: SimFault): SimFault {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add fault: the body must be a JSON object");
  }
  const { account, kind, count, path } = input;
  if (!KINDS.includes(kind)) {
    throw new TypeError(`Cannot add fault: kind must be one of ${KINDS.join(", ")}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError("Cannot add fault: count must be a positive integer");
  }
  if (account !== undefined && typeof account !== "string") {
    throw new TypeError("Cannot add fault: account must be a string");
  }
  if (path !== undefined && typeof path !== "string") {
    throw new TypeError("Cannot add fault: path must be a string");
  }
  return { account, kind, count, path };
}
