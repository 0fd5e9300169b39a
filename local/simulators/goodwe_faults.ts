/**
 * Fault switches for the GoodWe simulator: the next `count` matching requests of an account (login
 * or API) fail the way GoodWe's cloud and the proxies in front of it fail, so fetchers can be
 * tested for retries, rate-limit pauses, re-logins and unreadable bodies without an outage.
 * Matching and the shared kinds are faults.ts and fault_response.ts; GoodWe's own kinds, GY0429
 * and expire, answer inside HTTP 200 bodies as the vendor does.
 */
import { createFaultStore as createStore, type FaultStore, type FiredFault } from "./faults.ts";
import { createFaultResponse, proxyPage, type SharedFaultKind } from "./fault_response.ts";
import { EXPIRED, RATE_LIMITED, semsError } from "./goodwe_answer.ts";

export type FaultKind = SharedFaultKind | "GY0429" | "expire";

export interface SimFault {
  /** Only requests of this account; any account when omitted. */
  account?: string;
  kind: FaultKind;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
}

export function createFaultStore(): FaultStore<SimFault> {
  return createStore<SimFault>({
    kinds: ["5xx", "429", "GY0429", "hang", "malformed", "html", "expire"],
    caller: "account",
    texts: ["account", "path"],
  });
}

const page = (status: number, title: string) =>
  proxyPage(status, title, { contentType: "text/html; charset=utf-8" });

const sharedResponse = createFaultResponse<SimFault>({
  outage: () => page(502, "502 Bad Gateway"),
  // The web server's own request limit, in front of GoodWe's: a status, not a code.
  rateLimited: () => page(429, "429 Too Many Requests"),
  hangEnded: () => page(504, "504 Gateway Time-out"),
  // A maintenance or firewall page served with 200, which only the body gives away.
  html: () => page(200, "System maintenance"),
});

/** The failing response; `real` yields what the request would have got, for truncation. */
export async function faultResponse(
  fired: FiredFault<SimFault>,
  signal: AbortSignal,
  real: () => Response,
): Promise<Response> {
  switch (fired.fault.kind) {
    case "GY0429":
      return semsError(RATE_LIMITED);
    case "expire":
      return semsError(EXPIRED);
  }
  return await sharedResponse(fired, signal, real);
}
