/**
 * Background processes of the local stack (moto, services.ts): started detached in their own
 * session so they outlive `stack up`, and stopped by the pid recorded at start, never by name.
 * Before a signal is sent, /proc confirms that the pid still runs the command we started, so a
 * recycled pid is never hit.
 */
import { runCommand } from "./command.ts";

export interface DetachedProcess {
  pid: number;
  /** A string the process's command line contains; checked before stopping it. */
  marker: string;
}

/** Starts `cmd` with `setsid nohup`, output appended to `logFile`; returns its pid. */
export async function spawnDetached(
  cmd: string[],
  options: { logFile: string; env: Record<string, string>; cwd: string },
): Promise<number> {
  // In a non-interactive bash the background child is no group leader, so setsid does not fork
  // and `$!` is the pid of the final program (nohup execs too).
  const script = 'log=$1; shift; setsid nohup "$@" >>"$log" 2>&1 </dev/null & echo $!';
  const { stdout } = await runCommand(["bash", "-c", script, "bash", options.logFile, ...cmd], {
    cwd: options.cwd,
    env: options.env,
  });
  return Number(stdout.trim());
}

/** Whether `pid` is alive (zombies count as dead) and runs a command containing `marker`. */
export function isRunning(proc: DetachedProcess): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${proc.pid}/stat`);
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    const cmdline = Deno.readTextFileSync(`/proc/${proc.pid}/cmdline`).replaceAll("\0", " ");
    return cmdline.includes(proc.marker);
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is alive at all (zombies count as dead). Used while a process boots: during its
 * chain of execs (pyenv's shims exec three times before Python runs) `/proc/<pid>/cmdline` can read
 * empty for an instant, so the marker check of `isRunning` would call a booting process dead.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; false when it was not running. */
export async function stopProcess(proc: DetachedProcess, graceMs = 10_000): Promise<boolean> {
  if (!isRunning(proc)) return false;
  signalGroup(proc.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isRunning(proc) && Date.now() < deadline) await sleep(50);
  if (isRunning(proc)) signalGroup(proc.pid, "SIGKILL");
  return true;
}

/**
 * Polls `check` until it is true ("ready"), `timeoutMs` passes ("timeout"), or `alive` says the
 * process that should answer has exited ("exited"), so a crash at boot fails at once.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<"ready" | "timeout" | "exited"> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return "ready";
    if (!alive()) return "exited";
    await sleep(100);
  }
  return "timeout";
}

/** The last `lines` lines of a log, for error messages. */
export async function logTail(path: string, lines = 30): Promise<string> {
  const { stdout } = await runCommand(["tail", "-n", String(lines), path], { check: false });
  return stdout.trimEnd();
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    // setsid made the process a group leader: the group holds it and anything it spawned.
    Deno.kill(-pid, signal);
  } catch {
    try {
      Deno.kill(pid, signal);
    } catch { /* already gone */ }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
