/**
 * An injected clock for tests of the run's deadline: sleeps and attempt timeouts advance it
 * instead of waiting, and a hanging vendor holds each call until its timeout fires.
 */
export function deadlineClock(start: number) {
  let now = start;
  let timer: { ms: number; abort: AbortController } | undefined;
  const timeouts: number[] = [];
  return {
    now: () => now,
    date: () => new Date(now),
    sleep: (ms: number) => ((now += ms), Promise.resolve()),
    timeout: (ms: number) => {
      timeouts.push(ms);
      timer = { ms, abort: new AbortController() };
      return timer.abort.signal;
    },
    /** A vendor that never answers: the call ends when its timeout fires, that much later. */
    hanging: ((_u: string, init?: RequestInit) =>
      new Promise((_, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        const t = timer!;
        now += t.ms;
        t.abort.abort(new DOMException("The signal timed out", "TimeoutError"));
      })) as unknown as typeof fetch,
    timeouts,
  };
}
