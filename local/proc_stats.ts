/**
 * What Linux tells about one process in /proc: CPU time of its main thread (schedstat, in
 * nanoseconds; a Deno program's JavaScript runs there), CPU time of the whole process (utime +
 * stime of every thread, in USER_HZ ticks, which /proc always reports at 100 per second), resident
 * memory, and the peak of resident memory since the last reset (VmHWM; writing "5" to clear_refs
 * resets it, Linux ≥ 4.0). Every reader returns undefined once the process is gone.
 */
const ticksPerSecond = 100;

/** CPU time of the main thread: the JavaScript event loop of a Deno process. */
export function mainThreadCpuMs(pid: number): number | undefined {
  const schedstat = read(`/proc/${pid}/task/${pid}/schedstat`);
  const ns = schedstat === undefined ? NaN : Number(schedstat.split(" ")[0]);
  return Number.isFinite(ns) ? ns / 1e6 : undefined;
}

/** CPU time of every thread of the process (V8's compiler and GC helpers included). */
export function cpuMs(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

export function rssMb(pid: number): number | undefined {
  return statusKb(pid, "VmRSS");
}

export function peakRssMb(pid: number): number | undefined {
  return statusKb(pid, "VmHWM");
}

/** Starts a new peak; false when the kernel does not allow it (then the peak is the process's). */
export function resetPeakRss(pid: number): boolean {
  try {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function statusKb(pid: number, field: string): number | undefined {
  const status = read(`/proc/${pid}/status`);
  const kb = status === undefined
    ? undefined
    : new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return kb ? Number(kb[1]) / 1024 : undefined;
}

function read(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}
