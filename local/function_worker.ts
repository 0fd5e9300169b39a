/**
 * The gateway's side of one function worker (worker_main.ts): a Deno process of its own per
 * worker, because only a process gives what the limits need. /proc reads its CPU time (that of
 * the main thread, where its JavaScript runs, as the edge runtime times an isolate's thread; and
 * that of every thread) and its resident memory, the `waitUntil` work after the response included;
 * V8's heap
 * limit (`--max-old-space-size`) holds its memory; and a SIGKILL ends it at once, however busy its
 * event loop is, as the edge runtime terminates an isolate. A Web Worker shares the gateway's
 * process: Deno reports no CPU time or memory of its own for it.
 *
 * A worker serves one invocation at a time, so the process's CPU and peak memory during an
 * invocation are that invocation's. While it runs, a watchdog samples /proc every 25 ms: at 90 % of
 * a limit the worker gets `beforeunload` (reason CPUTime, WallClockTime or Memory), at the limit
 * it is killed with SIGKILL. The wall clock counts from the worker's boot, as on Supabase, where it
 * is the worker's lifetime.
 */
import type { EdgeLimits } from "./edge_limits.ts";
import type { InvocationEnd, InvocationRecord } from "./invocation_log.ts";
import { cpuMs, mainThreadCpuMs, peakRssMb, resetPeakRss, rssMb } from "./proc_stats.ts";
import { stackPaths } from "./stack_paths.ts";
import { beforeunloadPath, readyMarker, settledPath } from "./worker_protocol.ts";

const workerMain = new URL("./worker_main.ts", import.meta.url).href;
const sampleMs = 25;
const bootTimeoutMs = 60_000;

interface WorkerState {
  ended: InvocationEnd | undefined;
  stderrTail: string;
}

export class BootError extends Error {}

type Killed = Exclude<InvocationEnd, "ok">;

export interface Invocation {
  response: Response;
  /** Resolves with the record once the response and every `waitUntil` task ended, or at a kill. */
  done: Promise<InvocationRecord>;
}

export class FunctionWorker {
  busy = false;
  #exit: Promise<Killed>;
  #beforeunloadSent = new Set<string>();

  private constructor(
    readonly name: string,
    readonly limits: EdgeLimits,
    private readonly child: Deno.ChildProcess,
    readonly bootedAt: number,
    private readonly port: number,
    private readonly state: WorkerState,
  ) {
    this.#exit = child.status.then(() =>
      state.ended as Killed | undefined ??
        (/out of memory/i.test(state.stderrTail) ? "killed_memory" : "crashed")
    );
    this.#exit.then((how) => state.ended ??= how);
  }

  get #ended(): InvocationEnd | undefined {
    return this.state.ended;
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Dead, or killed at a limit: takes no more invocations. */
  get dead(): boolean {
    return this.#ended !== undefined;
  }

  ageMs(): number {
    return performance.now() - this.bootedAt;
  }

  /** Boots a worker for the function at `entrypoint`; BootError when the function cannot load. */
  static async start(name: string, entrypoint: URL, limits: EdgeLimits): Promise<FunctionWorker> {
    const bootedAt = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-prompt",
        "--config",
        `${stackPaths.root}/deno.json`,
        `--v8-flags=--max-old-space-size=${Math.round(limits.memoryMb)}`,
        workerMain,
        entrypoint.href,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const state: WorkerState = { ended: undefined, stderrTail: "" };
    // V8's heap-limit abort prints "Fatal JavaScript out of memory" on stderr.
    const keepTail = (line: string) => {
      state.stderrTail = (state.stderrTail + line + "\n").slice(-8192);
    };
    const port = new Promise<number>((resolve) => {
      void forwardLines(child.stdout, (line) => {
        const ready = line.startsWith(readyMarker) ? Number(line.slice(readyMarker.length)) : NaN;
        if (Number.isInteger(ready) && ready > 0) resolve(ready);
        else console.log(line);
      });
    });
    void forwardLines(child.stderr, (line) => {
      keepTail(line);
      console.error(line);
    });
    const status = child.status;
    const booted = await Promise.race([
      port,
      status.then(() => "exited" as const),
      new Promise<"timeout">((r) => {
        const t = setTimeout(() => r("timeout"), bootTimeoutMs);
        status.finally(() => clearTimeout(t));
      }),
    ]);
    if (typeof booted !== "number") {
      if (booted === "timeout") killQuietly(child);
      await status;
      throw new BootError(`Cannot boot function ${name}: its worker ${booted}`);
    }
    return new FunctionWorker(name, limits, child, bootedAt, booted, state);
  }

  /** Runs one invocation: `path` is what the function sees (`/<name>/<rest>?<query>`). */
  async invoke(req: Request, path: string): Promise<Invocation> {
    this.busy = true;
    const pid = this.pid;
    const limits = this.limits;
    const start = new Date();
    const t0 = performance.now();
    const peakReset = resetPeakRss(pid);
    const cpu0 = mainThreadCpuMs(pid) ?? 0;
    const processCpu0 = cpuMs(pid) ?? 0;
    let cpu = cpu0;
    let processCpu = processCpu0;
    let peak = rssMb(pid) ?? 0;
    const sample = () => {
      cpu = mainThreadCpuMs(pid) ?? cpu;
      processCpu = cpuMs(pid) ?? processCpu;
      const rss = rssMb(pid) ?? 0;
      peak = Math.max(peak, rss, (peakReset ? peakRssMb(pid) : undefined) ?? 0);
      const used = cpu - cpu0;
      const age = this.ageMs();
      if (used >= limits.cpuMs) return this.#kill("killed_cpu");
      if (age >= limits.wallClockMs) return this.#kill("killed_wall");
      if (rss > limits.memoryMb) return this.#kill("killed_memory");
      const r = limits.beforeunloadRatio;
      if (used >= r * limits.cpuMs) this.#beforeunload("CPUTime");
      if (age >= r * limits.wallClockMs) this.#beforeunload("WallClockTime");
      if (rss >= r * limits.memoryMb) this.#beforeunload("Memory");
    };
    const watchdog = setInterval(sample, sampleMs);

    const finish = (ended: InvocationEnd, status: number): InvocationRecord => {
      clearInterval(watchdog);
      if (ended === "ok") sample();
      this.busy = false;
      return {
        function: this.name,
        method: req.method,
        path,
        start: start.toISOString(),
        cpu_ms: Math.max(0, Math.round((cpu - cpu0) * 10) / 10),
        process_cpu_ms: Math.max(0, Math.round(processCpu - processCpu0)),
        wall_ms: Math.round(performance.now() - t0),
        peak_rss_mb: Math.round(peak * 10) / 10,
        ended: this.#ended === undefined ? ended : this.#ended,
        status,
        worker_pid: pid,
      };
    };

    const headers = new Headers(req.headers);
    for (const h of ["host", "connection", "content-length", "transfer-encoding"]) {
      headers.delete(h);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const answered = fetch(`http://127.0.0.1:${this.port}${path}`, {
      method: req.method,
      headers,
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: "manual",
    }).then((response) => ({ response }), (error: Error) => ({ error }));
    const first = await Promise.race([answered, this.#exit.then((killed) => ({ killed }))]);
    if ("killed" in first || "error" in first) {
      // A refused connection without an exit within a second is a worker that stopped answering.
      const killed = "killed" in first ? first.killed : await Promise.race([
        this.#exit,
        new Promise<Killed>((r) => setTimeout(() => r("crashed"), 1000)),
      ]);
      if (!this.dead) this.#kill(killed);
      const response = limitResponse(killed);
      return { response, done: Promise.resolve(finish(killed, response.status)) };
    }
    const response = first.response;
    const settled = fetch(`http://127.0.0.1:${this.port}${settledPath}`)
      .then((r) => r.body?.cancel()).then(() => "ok" as const, () => "gone" as const);
    const done = Promise.race([settled, this.#exit]).then(async (how) =>
      finish(how === "ok" ? "ok" : how === "gone" ? await this.#exit : how, response.status)
    );
    return { response, done };
  }

  /** Stops the worker (SIGKILL) and waits for its exit. */
  async stop(): Promise<void> {
    this.state.ended ??= "ok";
    killQuietly(this.child);
    await this.child.status;
  }

  #kill(how: Killed): void {
    if (this.#ended !== undefined) return;
    this.state.ended = how;
    console.error(`gateway: function ${this.name} (worker ${this.pid}) ended: ${how}`);
    killQuietly(this.child);
  }

  #beforeunload(reason: string): void {
    if (this.#beforeunloadSent.has(reason)) return;
    this.#beforeunloadSent.add(reason);
    // Not awaited: a worker whose event loop is busy only sees it when it yields, as on Supabase.
    fetch(`http://127.0.0.1:${this.port}${beforeunloadPath}?reason=${reason}`, { method: "POST" })
      .then((r) => r.body?.cancel()).catch(() => {});
  }
}

/** Supabase's answers: 546 WORKER_LIMIT at a limit, 500 WORKER_ERROR for a crash. */
function limitResponse(killed: Killed): Response {
  if (killed === "crashed") {
    return Response.json({
      code: "WORKER_ERROR",
      message: "Function exited due to an error (please check logs)",
    }, { status: 500 });
  }
  return Response.json({
    code: "WORKER_LIMIT",
    message: "Function failed due to not having enough compute resources (please check logs)",
  }, { status: 546 });
}

function killQuietly(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
}

async function forwardLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  let buffered = "";
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) onLine(line);
    }
  } catch {
    // The worker is gone.
  }
  if (buffered !== "") onLine(buffered);
}
