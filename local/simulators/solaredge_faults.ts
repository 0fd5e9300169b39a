/**
 * Fault switches for the SolarEdge simulator: the next `count` matching authenticated requests
 * fail the way real clouds and the proxies in front of them fail, so fetchers can be tested for
 * retries, Retry-After, timeouts and unparseable bodies without a real outage. Matching and the
 * shared kinds are faults.ts and fault_response.ts; the problem+json bodies are SolarEdge's.
 */
import { createFaultStore as createStore, type FaultStore } from "./faults.ts";
import {
  balancerUnavailable,
  createFaultResponse,
  proxyPage,
  SHARED_FAULT_KINDS,
  type SharedFaultKind,
} from "./fault_response.ts";
import { problem } from "./solaredge_problem.ts";

export type FaultKind = SharedFaultKind;

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

export function createFaultStore(): FaultStore<SimFault> {
  return createStore<SimFault>({
    kinds: SHARED_FAULT_KINDS,
    caller: "apiKey",
    texts: ["apiKey", "path"],
    more({ retryAfter }) {
      if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 0)) {
        throw new TypeError("Cannot add fault: retryAfter must be a whole number of seconds");
      }
      return { retryAfter };
    },
  });
}

export const faultResponse = createFaultResponse<SimFault>({
  // Alternate bodies: a real outage answers with problem+json from the API one time and plain
  // text from the load balancer the next, and fetchers must classify both as retriable.
  outage: (firing) =>
    firing % 2 === 0
      ? problem(503, "Service Unavailable", "Simulated outage: try again later")
      : balancerUnavailable(),
  rateLimited: ({ retryAfter }) =>
    problem(
      429,
      "Too Many Requests",
      "Simulated rate limit",
      retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
    ),
  hangEnded: () => problem(504, "Gateway Timeout", "Simulated hang ended"),
  html: () => proxyPage(502, "502 Bad Gateway"),
});
