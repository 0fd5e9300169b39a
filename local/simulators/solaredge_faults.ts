/**
 * Fault switches for the SolarEdge simulator: the next `count` matching authenticated requests
 * fail the way real clouds and the proxies in front of them fail, so fetchers can be tested for
 * retries, Retry-After, timeouts and unparseable bodies without a real outage.
 */
import { problem } from "./solaredge_problem.ts";

export type FaultKind = "5xx" | "429" | "hang" | "malformed" | "html";

export interface SimFault {
  /** Only requests with this API key; any key when omitted. */
  apiKey?: string;
  kind: FaultKind;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
  /** Seconds to send in Retry-After with kind "429"; no header when omitted. */
  retryAfter?: number;
}

export interface FaultStore {
  add(fault: SimFault): void;
  clear(): void;
  /** Consumes one use of the first fault matching the request, if any. */
  take(apiKey: string, path: string): FiredFault | undefined;
}

export interface FiredFault {
  fault: SimFault;
  /** 0 for the first request this fault hit, 1 for the second, ... */
  firing: number;
}

const KINDS: readonly string[] = ["5xx", "429", "hang", "malformed", "html"];
// A hung request whose client never aborts must still end, or the simulator process leaks it.
export const HANG_CAP_MS = 120_000;

export function createFaultStore(): FaultStore {
  let faults: { fault: SimFault; left: number; fired: number }[] = [];
  return {
    add(fault) {
      faults.push({ fault: validFault(fault), left: fault.count, fired: 0 });
    },
    clear() {
      faults = [];
    },
    take(apiKey, path) {
      const hit = faults.find((f) =>
        (f.fault.apiKey === undefined || f.fault.apiKey === apiKey) &&
        (f.fault.path === undefined || path.includes(f.fault.path))
      );
      if (!hit) return undefined;
      hit.left--;
      if (hit.left === 0) faults = faults.filter((f) => f !== hit);
      return { fault: hit.fault, firing: hit.fired++ };
    },
  };
}

/** The failing response; `real` yields what the request would have got, for truncation. */
export async function faultResponse(
  fired: FiredFault,
  signal: AbortSignal,
  real: () => Promise<Response>,
): Promise<Response> {
  const { fault, firing } = fired;
  switch (fault.kind) {
    case "5xx":
      // Alternate bodies: a real outage answers with problem+json from the API one time and plain
      // text from the load balancer the next, and fetchers must classify both as retriable.
      return firing % 2 === 0
        ? problem(503, "Service Unavailable", "Simulated outage: try again later")
        : new Response("Service Temporarily Unavailable", {
          status: 503,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
    case "429":
      return problem(
        429,
        "Too Many Requests",
        "Simulated rate limit",
        fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) },
      );
    case "hang":
      return await hang(signal);
    case "malformed": {
      const text = await (await real()).text();
      // A proper prefix of a JSON object never parses, like a body cut off mid-transfer.
      return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }
    case "html":
      return new Response(BAD_GATEWAY_HTML, {
        status: 502,
        headers: { "content-type": "text/html" },
      });
  }
}

function hang(signal: AbortSignal): Promise<Response> {
  const ended = () => problem(504, "Gateway Timeout", "Simulated hang ended");
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
  const { apiKey, kind, count, path, retryAfter } = input;
  if (!KINDS.includes(kind)) {
    throw new TypeError(`Cannot add fault: kind must be one of ${KINDS.join(", ")}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError("Cannot add fault: count must be a positive integer");
  }
  if (apiKey !== undefined && typeof apiKey !== "string") {
    throw new TypeError("Cannot add fault: apiKey must be a string");
  }
  if (path !== undefined && typeof path !== "string") {
    throw new TypeError("Cannot add fault: path must be a string");
  }
  if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 0)) {
    throw new TypeError("Cannot add fault: retryAfter must be a whole number of seconds");
  }
  return { apiKey, kind, count, path, retryAfter };
}

// The shape of an nginx error page, which is what sits in front of most vendor APIs.
const BAD_GATEWAY_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;
