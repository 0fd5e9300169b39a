/**
 * The CPU this process has used, in ms: what an invocation compares with its share of the Edge
 * CPU limit. `process.cpuUsage()` counts every thread of the process, more than the main thread
 * the limit counts, so a budget read from it ends early rather than late. Where the runtime
 * cannot tell (it throws, or answers nothing), the clock reads 0 and the site budget
 * (QUEUE_MAX_SITES) alone stops the claims.
 */
import process from "node:process";

export type CpuClock = () => number;

export const processCpuMs: CpuClock = () => {
  try {
    const { user, system } = process.cpuUsage();
    const ms = (user + system) / 1000;
    return Number.isFinite(ms) ? ms : 0;
  } catch {
    return 0;
  }
};

/**
 * The clock read at most once per `everyMs` of wall time: the queue asks before every site, and
 * each read is a system call that cost more than the decision it feeds. A budget checked against
 * a reading 20 ms old overshoots by at most the CPU of those 20 ms.
 */
export function sampledEvery(
  clock: CpuClock,
  everyMs = 20,
  wallMs: () => number = () => performance.now(),
): CpuClock {
  let readAt = -Infinity;
  let value = 0;
  return () => {
    const t = wallMs();
    if (t - readAt >= everyMs) {
      value = clock();
      readAt = t;
    }
    return value;
  };
}
