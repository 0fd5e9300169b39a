/**
 * Fault switches for the SMA simulator: the next `count` matching requests fail the way real
 * clouds and the proxies in front of them fail (5xx, a bare 429 as SMA's limiter sends, a hang,
 * a cut-off or HTML body), or, for `spike`, an EnergyAndPowerPv day set's first interval claims an
 * absurd energy value (vendors.md §3.6), or, for `unreadable_time`, a day set's times come in a
 * format nobody reads (a test of the mapping, not vendor behaviour). These two only match
 * day-set requests, and sma.ts answers them: `faultResponse` gives them the real answer. Matching and the shared kinds are faults.ts and
 * fault_response.ts; the bodies are SMA's.
 */
import { createFaultStore as createStore, type FaultStore } from "./faults.ts";
import {
  balancerUnavailable,
  createFaultResponse,
  proxyPage,
  SHARED_FAULT_KINDS,
  type SharedFaultKind,
} from "./fault_response.ts";
import { apiError } from "./sma_errors.ts";

export type SmaFaultKind = SharedFaultKind | "spike" | "unreadable_time";

export interface SmaFault {
  kind: SmaFaultKind;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
  /** Only requests made with this client's credentials or tokens. */
  clientId?: string;
}

const SET_PATH = "/measurements/sets/";
const ENERGY_PATH = "/measurements/sets/EnergyAndPowerPv/";

export function createFaultStore(): FaultStore<SmaFault> {
  return createStore<SmaFault>({
    kinds: [...SHARED_FAULT_KINDS, "spike", "unreadable_time"],
    caller: "clientId",
    texts: ["path", "clientId"],
    fires: (fault, path) =>
      fault.kind === "spike"
        ? path.includes(ENERGY_PATH)
        : fault.kind !== "unreadable_time" || path.includes(SET_PATH),
  });
}

export const faultResponse = createFaultResponse<SmaFault>({
  // Alternate bodies: the API's JSON one time, the load balancer's text the next.
  outage: (firing) =>
    firing % 2 === 0 ? apiError(503, "Simulated outage: try again later") : balancerUnavailable(),
  rateLimited: () => apiError(429, "Rate limit exceeded"),
  hangEnded: () => apiError(503, "Simulated hang ended"),
  html: () => proxyPage(502, "502 Bad Gateway"),
});
