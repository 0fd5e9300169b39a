/**
 * Test helpers every simulator's tests share: a clock the test moves by hand, a bound on how long
 * a hung request may take to end, and a caller for the `/_sim` admin API.
 */

/** A clock at `iso` that only moves when the test says so. */
export function manualClock(iso: string) {
  let nowMs = Date.parse(iso);
  return {
    now: () => new Date(nowMs),
    setNow: (iso: string) => nowMs = Date.parse(iso),
    advance: (ms: number) => nowMs += ms,
  };
}

/** Fails instead of waiting out the simulator's 120 s safety cap when a hang does not end. */
export async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within 5 s`)), 5_000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls a simulator in-process as another process would over HTTP, with a JSON body if any. */
export function simCaller(handler: (req: Request) => Promise<Response>) {
  return (method: string, path: string, body?: unknown, headers: HeadersInit = {}) =>
    handler(
      new Request(`http://sim.test${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
}
