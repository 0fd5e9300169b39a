/**
 * How a fired fault answers, for the kinds every vendor simulator shares: an outage (5xx), a rate
 * limit (429), a hang, a cut-off body (malformed) and a proxy's HTML page where JSON was expected.
 * The vendor supplies the bodies in its own error shape; the hang and the cut-off are the same
 * everywhere. Kinds only one vendor has are answered by that vendor before it asks here.
 */
import type { Fault, FiredFault } from "./faults.ts";

export const SHARED_FAULT_KINDS = ["5xx", "429", "hang", "malformed", "html"] as const;
export type SharedFaultKind = typeof SHARED_FAULT_KINDS[number];

// A hung request whose client never aborts must still end, or the simulator process leaks it.
const HANG_CAP_MS = 120_000;

/** The vendor's answers to the shared kinds. */
export interface FaultBodies<F extends Fault> {
  /** kind "5xx"; `firing` counts this fault's hits from 0, so a vendor can alternate bodies. */
  outage(firing: number): Response;
  /** kind "429". */
  rateLimited(fault: F): Response;
  /** What a hung request answers once its client gives up or the safety cap passes. */
  hangEnded(): Response;
  /** kind "html". */
  html(): Response;
}

/** Answers a fired fault: `real` yields what the request would have got, for truncation. */
export type FaultResponse<F extends Fault> = (
  fired: FiredFault<F>,
  signal: AbortSignal,
  real: () => Response | Promise<Response>,
) => Promise<Response>;

/** The answers to the shared kinds with the vendor's bodies; any other kind gets the real answer. */
export function createFaultResponse<F extends Fault>(bodies: FaultBodies<F>): FaultResponse<F> {
  return async (fired, signal, real) => {
    switch (fired.fault.kind) {
      case "5xx":
        return bodies.outage(fired.firing);
      case "429":
        return bodies.rateLimited(fired.fault);
      case "hang":
        return await hang(signal, bodies.hangEnded);
      case "malformed": {
        // The request really happens (a refresh token really rotates); only its answer is cut off.
        const text = await (await real()).text();
        // A proper prefix of a JSON document never parses, like a body cut off mid-transfer.
        return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      }
      case "html":
        return bodies.html();
      default:
        return await real();
    }
  };
}

/** The plain text a load balancer answers in an outage, in between the API's own JSON errors. */
export function balancerUnavailable(): Response {
  return new Response("Service Temporarily Unavailable", {
    status: 503,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * An error page in the shape nginx serves, which is what sits in front of most vendor APIs;
 * `server` names another web server that shares it (OpenResty is nginx underneath).
 */
export function proxyPage(
  status: number,
  title: string,
  options: { server?: string; contentType?: string } = {},
): Response {
  const { server = "nginx", contentType = "text/html" } = options;
  const body = `<html>\n<head><title>${title}</title></head>\n<body>\n` +
    `<center><h1>${title}</h1></center>\n<hr><center>${server}</center>\n</body>\n</html>\n`;
  return new Response(body, { status, headers: { "content-type": contentType } });
}

function hang(signal: AbortSignal, ended: () => Response): Promise<Response> {
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
