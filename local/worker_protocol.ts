/**
 * What the gateway (function_worker.ts) and a function worker (worker_main.ts) say to each other
 * besides the function's own requests.
 */

/** The worker's first own stdout line: `EDGE_WORKER_READY <port>`. */
export const readyMarker = "EDGE_WORKER_READY";
/** Answers once no request is in flight and every `waitUntil` promise has settled. */
export const settledPath = "/__edge/settled";
/** `?reason=<CPUTime|WallClockTime|Memory>`: dispatches `beforeunload` in the worker. */
export const beforeunloadPath = "/__edge/beforeunload";
