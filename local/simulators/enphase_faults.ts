/**
 * Fault switches for the Enphase simulator: the next `count` matching API or token requests fail
 * the way the Enphase gateway and the proxies in front of it fail. Matching and the shared kinds
 * are faults.ts and fault_response.ts; the bodies are Enphase's. Enphase never sends Retry-After
 * (vendors.md §2.5), so a fault cannot ask for one.
 */
import { apiError } from "./enphase_errors.ts";
import { createFaultStore, type FaultStore, type FiredFault } from "./faults.ts";
import {
  balancerUnavailable,
  createFaultResponse,
  proxyPage,
  SHARED_FAULT_KINDS,
  type SharedFaultKind,
} from "./fault_response.ts";

export type FaultKind = SharedFaultKind;

export interface EnphaseFault {
  /** Only API requests with this `key`; any request when omitted. */
  apiKey?: string;
  kind: FaultKind;
  count: number;
  /** Only requests whose path contains this text, e.g. `/oauth/token` or `production_meter`. */
  path?: string;
}

export function createEnphaseFaultStore(): FaultStore<EnphaseFault> {
  const store = createFaultStore<EnphaseFault>({
    kinds: SHARED_FAULT_KINDS,
    caller: "apiKey",
    texts: ["apiKey", "path"],
  });
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
export function enphaseFaultResponse(
  fired: FiredFault<EnphaseFault>,
  plan: string,
  signal: AbortSignal,
  real: () => Promise<Response>,
): Promise<Response> {
  const respond = createFaultResponse<EnphaseFault>({
    // Alternate the API's own JSON with a load balancer's plain text: both must be retried.
    outage: (firing) =>
      firing % 2 === 0
        ? apiError(500, "Internal Server Error", "Internal Server Error")
        : balancerUnavailable(),
    rateLimited: () => apiError(429, "Too Many Requests", `Usage limit exceeded for plan ${plan}`),
    hangEnded: () => apiError(504, "Gateway Timeout", "Simulated hang ended"),
    // Enphase's gateway is 3scale APIcast, which runs on OpenResty: its error pages look like this.
    html: () => proxyPage(502, "502 Bad Gateway", { server: "openresty" }),
  });
  return respond(fired, signal, real);
}
