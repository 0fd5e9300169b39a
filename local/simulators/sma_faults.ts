/**
 * Fault switches for the SMA simulator: the next `count` matching requests fail the way real
 * clouds and the proxies in front of them fail (5xx, a bare 429 as SMA's limiter sends, a hang,
 * a cut-off or HTML body), or, for `spike`, a day set's first interval claims an absurd energy
 * value (vendors.md §3.6). A spike fault only matches day-set requests.
 */
import { apiError } from "./sma_errors.ts";

export type SmaFaultKind = "5xx" | "429" | "hang" | "malformed" | "html" | "spike";

export interface SmaFault {
  kind: SmaFaultKind;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
  /** Only requests made with this client's credentials or tokens. */
  clientId?: string;
}

const KINDS: readonly string[] = ["5xx", "429", "hang", "malformed", "html", "spike"];
const SET_PATH = "/measurements/sets/";
// A hung request whose client never aborts must still end, or the simulator process leaks it.
export const HANG_CAP_MS = 120_000;

export function createFaultStore() {
  let faults: { fault: SmaFault; left: number; fired: number }[] = [];
  return {
    add(fault: SmaFault) {
      faults.push({ fault: validFault(fault), left: fault.count, fired: 0 });
    },
    clear() {
      faults = [];
    },
    /** Consumes one use of the first fault matching the request; `firing` counts from 0. */
    take(clientId: string | undefined, path: string) {
      const hit = faults.find(({ fault }) =>
        (fault.clientId === undefined || fault.clientId === clientId) &&
        (fault.path === undefined || path.includes(fault.path)) &&
        (fault.kind !== "spike" || path.includes(SET_PATH))
      );
      if (!hit) return undefined;
      if (--hit.left === 0) faults = faults.filter((f) => f !== hit);
      return { fault: hit.fault, firing: hit.fired++ };
    },
  };
}

export type FaultStore = ReturnType<typeof createFaultStore>;

/** The failing response for every kind but `spike`; `real` yields the answer to truncate. */
export async function faultResponse(
  fired: { fault: SmaFault; firing: number },
  signal: AbortSignal,
  real: () => Promise<Response>,
): Promise<Response> {
  switch (fired.fault.kind) {
    case "5xx":
      // Alternate bodies: the API's JSON one time, the load balancer's text the next.
      return fired.firing % 2 === 0
        ? apiError(503, "Simulated outage: try again later")
        : new Response("Service Temporarily Unavailable", {
          status: 503,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
    case "429":
      return apiError(429, "Rate limit exceeded");
    case "hang":
      return await hang(signal);
    case "malformed": {
      const text = await (await real()).text();
      // A proper prefix of a JSON document never parses, like a body cut off mid-transfer.
      return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        headers: { "content-type": "application/json" },
      });
    }
    case "html":
      return new Response(BAD_GATEWAY_HTML, {
        status: 502,
        headers: { "content-type": "text/html" },
      });
    default:
      return await real();
  }
}

function hang(signal: AbortSignal): Promise<Response> {
  const ended = () => apiError(503, "Simulated hang ended");
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

function validFault(input: SmaFault): SmaFault {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add fault: the body must be a JSON object");
  }
  const { kind, count, path, clientId } = input;
  if (!KINDS.includes(kind)) {
    throw new TypeError(`Cannot add fault: kind must be one of ${KINDS.join(", ")}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError("Cannot add fault: count must be a positive integer");
  }
  for (const [key, value] of [["path", path], ["clientId", clientId]]) {
    if (value !== undefined && typeof value !== "string") {
      throw new TypeError(`Cannot add fault: ${key} must be a string`);
    }
  }
  return { kind, count, path, clientId };
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
