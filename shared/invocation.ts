/**
 * What one function instance holds open: its runs today, its job leases when the queue comes.
 * Supabase dispatches `beforeunload` (with `detail.reason`: WallClockTime, CPUTime, Memory, …)
 * before it stops a worker (supabase.md §4 "Background tasks"), and the worker is gone soon
 * after. So on that event every open run is closed as failed with the reason, and every release
 * hook runs, instead of leaving a run `running` and a lease held until it expires. A worker killed
 * without notice is caught by the sweep of `private.close_stale_runs`.
 */
import type { Logger } from "./logger.ts";

export function stoppedReason(shutdown?: string): string {
  const why = shutdown ? ` (${shutdown})` : "";
  return `Run did not finish: the function was stopped${why} before it could record its outcome`;
}

/** Closes the runs that are still running as failed with `reason` (`private.close_runs`). */
export type CloseRuns = (runIds: string[], reason: string) => Promise<unknown>;
/** Gives back what a shutdown would otherwise strand, e.g. the invocation's job leases. */
export type ReleaseHook = (reason: string) => Promise<unknown>;

export class Invocation {
  #runs = new Set<string>();
  #hooks = new Set<ReleaseHook>();
  #closeRuns: CloseRuns;
  #logger?: Logger;
  /** The latest release, so a caller (or a test) can wait for it. */
  settled: Promise<void> = Promise.resolve();

  constructor(closeRuns: CloseRuns, logger?: Logger) {
    this.#closeRuns = closeRuns;
    this.#logger = logger;
  }

  /** Tracks a run until the returned function is called, once the run recorded its outcome. */
  openRun(runId: string): () => void {
    this.#runs.add(runId);
    return () => void this.#runs.delete(runId);
  }

  /** Joins the release; the returned function leaves it. */
  onRelease(hook: ReleaseHook): () => void {
    this.#hooks.add(hook);
    return () => void this.#hooks.delete(hook);
  }

  get openRuns(): string[] {
    return [...this.#runs];
  }

  /** Closes the open runs and runs the hooks; failures are logged, never thrown. */
  release(shutdown?: string): Promise<void> {
    const runs = [...this.#runs];
    const hooks = [...this.#hooks];
    if (runs.length === 0 && hooks.length === 0) return this.settled;
    this.#runs.clear();
    const reason = stoppedReason(shutdown);
    this.#logger?.warn("Function is stopping; closing its open work", {
      shutdown: shutdown ?? "unknown",
      runs,
    });
    const work = [
      ...(runs.length > 0 ? [this.#closeRuns(runs, reason)] : []),
      ...hooks.map((hook) => hook(reason)),
    ].map((p) =>
      p.catch((error) =>
        this.#logger?.error("Cannot release the function's work at shutdown", { error })
      )
    );
    this.settled = Promise.all(work).then(() => {});
    return this.settled;
  }

  /** Releases on `beforeunload` from `target`; returns a function that stops listening. */
  listen(target: EventTarget = globalThis): () => void {
    const onUnload = (event: Event) => {
      const detail = (event as CustomEvent<{ reason?: unknown } | undefined>).detail;
      void this.release(typeof detail?.reason === "string" ? detail.reason : undefined);
    };
    target.addEventListener("beforeunload", onUnload);
    return () => target.removeEventListener("beforeunload", onUnload);
  }
}
