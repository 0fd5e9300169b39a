/**
 * Fault switches for the Enphase simulator: the next `count` matching API or token requests fail
 * the way the Enphase gateway and the proxies in front of it fail. The matching and counting are
 * the SolarEdge simulator's (vendor-neutral); the bodies are Enphase's. Enphase never sends
 * Retry-After (vendors.md §2.5), so a fault cannot ask for one.
 */
import { apiError } from "./enphase_errors.ts";
import {
  createFaultStore,
  type FaultKind,
  type FaultStore,
  type FiredFault,
  HANG_CAP_MS,
} from "./solaredge_faults.ts";

export type { FaultKind };

export interface EnphaseFault {
  /** Only API requests with this `key`; any request when omitted. */
  apiKey?: string;
  kind: FaultKind;
  count: number;
  /** Only requests whose path contains this text, e.g. `/oauth/token` or `production_meter`. */
  path?: string;
}

export function createEnphaseFaultStore(): FaultStore {
  const store = createFaultStore();
  return {
    ...store,
    add(fault) {
      if (typeof fault === "object" && fault !== null && "retryAfter" in fault) {
        throw new TypeError("Cannot add fault: Enphase never sends Retry-After");
      }
      store.add(fault);
    },
  };
}

/** The failing response; `real` yields what the request would have got, for truncation. */
export async function enphaseFaultResponse(
  fired: FiredFault,
  plan: string,
  signal: AbortSignal,
  real: () => Promise<Response>,
): Promise<Response> {
  switch (fired.fault.kind) {
    case "5xx":
      // Alternate the API's own JSON with a load balancer's plain text: both must be retried.
      return fired.firing % 2 === 0
        ? apiError(500, "Internal Server Error", "Internal Server Error")
        : new Response("Service Temporarily Unavailable", {
          status: 503,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
    case "429":
      return apiError(429, "Too Many Requests", `Usage limit exceeded for plan ${plan}`);
    case "hang":
      return await hang(signal);
    case "malformed": {
      // The request really happens (a token really rotates) and the answer is cut off mid-way.
      const text = await (await real()).text();
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
  const ended = () => apiError(504, "Gateway Timeout", "Simulated hang ended");
  if (signal.aborted) return Promise.resolve(ended());
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve(ended());
    };
    // A hung request whose client never aborts must still end, or the process leaks it.
    const timer = setTimeout(finish, HANG_CAP_MS);
    signal.addEventListener("abort", finish);
  });
}

// Enphase's gateway is 3scale APIcast, which runs on OpenResty: its error pages look like this.
const BAD_GATEWAY_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>openresty</center>
</body>
</html>
`;
