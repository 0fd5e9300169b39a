/**
 * The HTTP face of a vendor function (Hono): `POST /<vendor>/run` starts a sync and answers 202 at
 * once, because pg_net drops slow requests and Edge wall-clock limits apply; the work continues in
 * `EdgeRuntime.waitUntil` where the runtime has it. Errors become HTTP responses only in `onError`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Config } from "./config.ts";
import { ConfigError } from "./config.ts";
import {
  BadRecordError,
  FatalCredentialError,
  RequestError,
  RetriableError,
  VendorConfigError,
} from "./errors.ts";
import { mountConnectRoutes } from "./connect_routes.ts";
import { mountSiteRoutes } from "./site_routes.ts";
import { requireServiceKey } from "./service_key.ts";
import { parseRunRequest } from "./run_request.ts";
import { startRun } from "./run_recorder.ts";
import { runSync } from "./runner.ts";
import { errorMessage } from "./site_run.ts";
import { planSiteCadences } from "./cadence_run.ts";
import { runQueue } from "./queue_worker.ts";
import type { FetcherRuntime } from "./runtime.ts";
import type { Adapter } from "./types.ts";

/** The largest request body any route takes. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Seconds of the wall clock kept for a run's last writes after its deadline. */
const RESERVE_S = 40;
/** A worker with less than this left takes no run: the next request gets a fresh worker. */
const MIN_RUN_S = 5;

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

export interface AppOptions {
  /** Background work; defaults to EdgeRuntime.waitUntil, or a floating promise elsewhere. */
  waitUntil?: (promise: Promise<unknown>) => void;
  now?: () => Date;
  /** Seconds a run may start new sites for; Supabase's free plan stops a worker at 150 s. */
  runBudgetSeconds?: number;
  /**
   * How long this worker has lived, in ms. The wall clock is the worker's lifetime, not the
   * request's (supabase.md §7): a worker that already served requests has less of it left. By
   * default `performance.now()`, which counts from the isolate's start.
   */
  workerAgeMs?: () => number;
  /** Vendor-specific routes (SMA's backchannel consent), mounted under `/<vendor>`. */
  routes?: (app: Hono) => void;
}

export function createFetcherApp<S>(
  adapter: Adapter<S>,
  config: Config,
  runtime: () => FetcherRuntime,
  options: AppOptions = {},
) {
  const source = adapter.spec.source;
  const now = options.now ?? (() => new Date());
  const waitUntil = options.waitUntil ?? defaultWaitUntil;
  const workerAgeMs = options.workerAgeMs ?? (() => performance.now());
  const app: Hono = new Hono().basePath(`/${source}`);
  // No request to these routes needs more than a few hundred bytes; a larger one is refused
  // before anything reads it.
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          { error: `Cannot read the request body: it is larger than ${MAX_BODY_BYTES} bytes` },
          413,
        ),
    }),
  );

  app.get("/health", async (c) => {
    try {
      await runtime().ping();
    } catch {
      return c.json({ status: "unavailable", source, error: "Cannot reach the database" }, 503);
    }
    return c.json({ status: "ok", source, apiVersion: adapter.spec.apiVersion });
  });

  app.post("/run", async (c) => {
    requireServiceKey(c.req.raw.headers, config.serviceKeys, "start a run");
    const request = parseRunRequest(await c.req.text());
    // The plan's wall clock less a reserve for the last writes (110 s of the free plan's 150 s),
    // counted from the worker's start, since the worker may have served other requests first.
    const left = config.wallClockSeconds - RESERVE_S - workerAgeMs() / 1000;
    const budget = Math.min(
      options.runBudgetSeconds ?? Math.max(10, config.wallClockSeconds - RESERVE_S),
      left,
    );
    if (budget < MIN_RUN_S) {
      throw new RequestError(
        503,
        `Cannot start a run: this worker has ${
          Math.max(0, Math.round(left + RESERVE_S))
        } s of its ${config.wallClockSeconds} s wall clock left`,
      );
    }
    const rt = runtime();
    if (request.queue && !rt.jobs) {
      throw new RequestError(501, "Cannot work the queue: this runtime has no job store");
    }
    const runId = await startRun(rt.store, source, request);
    // Closed as failed on `beforeunload` unless the run records its outcome first.
    const closed = request.dryRun ? undefined : rt.invocation?.openRun(runId);
    const deadline = new Date(now().getTime() + budget * 1000);
    const deps = {
      adapter,
      config,
      baseUrl: config.baseUrls[source] ?? adapter.spec.baseUrl,
      store: rt.store,
      objects: rt.objects,
      keyring: rt.keyring,
      vendorConfig: config.vendors[source],
      logger: rt.logger,
      now,
      // A dry run over HTTP has no one to print to: what it would write goes to the log.
      dryRunReport: (write: unknown) => rt.logger.info("Dry run would write", { write }),
    };
    let work: Promise<unknown>;
    if (request.queue) {
      const owner = `${source}:${runId}`;
      // On `beforeunload` the jobs go back to the queue at once, instead of at lease expiry, and
      // this run stops calling the vendors before another invocation takes its credentials.
      const stopping = new AbortController();
      const leave = rt.invocation?.onRelease(() => {
        stopping.abort();
        return rt.jobs!.release(owner);
      });
      // The cadence comes first: the next enqueue reads it. A planner that fails slows nothing.
      const planned = planSiteCadences({
        spec: adapter.spec,
        store: rt.store,
        vendorConfig: config.vendors[source],
        config,
      }).catch((error) =>
        rt.logger.warn("Cannot plan the sites' cadence", { source, error: errorMessage(error) })
      );
      work = planned.then(() =>
        runQueue({ ...deps, jobs: rt.jobs! }, {
          runId,
          owner,
          deadline,
          claimUntil: new Date(deadline.getTime() - Math.min(30, budget / 4) * 1000),
          maxSites: config.queueMaxSites,
          cpuBudgetMs: config.cpuLimitMs,
          leaseSeconds: config.queueLeaseSeconds,
          claimBatch: config.queueClaimBatch,
          deferSeconds: 15 * 60,
          signal: stopping.signal,
        })
      ).finally(() => leave?.());
    } else {
      work = runSync(deps, { ...request, runId, deadline });
    }
    waitUntil(
      work.catch((error) => {
        rt.logger.error("Sync run crashed", { run: runId, error });
      }).finally(closed),
    );
    return c.json(
      {
        runId,
        status: "accepted",
        dryRun: request.dryRun,
        ...(request.queue ? { queue: true } : {}),
      },
      202,
    );
  });

  if (adapter.connect) mountConnectRoutes(app, adapter, config, runtime, now);
  mountSiteRoutes(app, adapter.spec, config, runtime, now);
  options.routes?.(app);

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));

  app.onError((error, c) => {
    if (error instanceof RequestError) return c.json({ error: error.message }, error.status);
    const log = safeLogger(runtime);
    // Vendor errors carry vendor wording and never secrets; the redactor masks any that slipped.
    const say = (message: string) => log?.redactor.redact(message) ?? "Vendor error";
    if (error instanceof FatalCredentialError) return c.json({ error: say(error.message) }, 400);
    if (error instanceof BadRecordError) return c.json({ error: say(error.message) }, 502);
    if (error instanceof RetriableError) {
      const seconds = Math.ceil((error.retryAfterMs ?? 60_000) / 1000);
      c.header("retry-after", String(seconds));
      return c.json({ error: say(error.message) }, 503);
    }
    if (error instanceof ConfigError || error instanceof VendorConfigError) {
      log?.error("Function is misconfigured", { error: error.message });
      return c.json({ error: "Function is misconfigured; see its logs" }, 500);
    }
    log?.error("Request failed", { error });
    return c.json({ error: "Internal error" }, 500);
  });

  return app;
}

function defaultWaitUntil(promise: Promise<unknown>): void {
  if (typeof EdgeRuntime !== "undefined") EdgeRuntime.waitUntil(promise);
}

function safeLogger(runtime: () => FetcherRuntime) {
  try {
    return runtime().logger;
  } catch {
    return undefined;
  }
}
