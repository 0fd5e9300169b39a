/** The body of `POST /<vendor>/run`, validated with a message that names the bad field. */
import { RequestError } from "./errors.ts";
import { isUuid } from "./uuid.ts";

export interface RunRequest {
  trigger: "cron" | "manual";
  dryRun: boolean;
  lookbackHours?: number;
  siteId?: string;
  credentialId?: string;
  /** Work the vendor's due jobs from the queue instead of walking every credential. */
  queue: boolean;
}

const KNOWN = new Set(["trigger", "dryRun", "lookbackHours", "siteId", "credentialId", "queue"]);

export function parseRunRequest(text: string): RunRequest {
  let body: Record<string, unknown> = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      throw new RequestError(400, "Cannot read the request body: it is not JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw new RequestError(400, "Cannot read the request body: expected a JSON object");
    }
  }
  const unknown = Object.keys(body).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw bad(`unknown field ${unknown.join(", ")}`);
  const {
    trigger = "manual",
    dryRun = false,
    lookbackHours,
    siteId,
    credentialId,
    queue = false,
  } = body;
  if (trigger !== "cron" && trigger !== "manual") throw bad("trigger must be cron or manual");
  if (typeof dryRun !== "boolean") throw bad("dryRun must be true or false");
  if (
    lookbackHours !== undefined &&
    (typeof lookbackHours !== "number" || !(lookbackHours > 0) || lookbackHours > 24 * 31)
  ) {
    throw bad("lookbackHours must be a number of hours between 0 and 744");
  }
  if (siteId !== undefined && (typeof siteId !== "string" || siteId.trim() === "")) {
    throw bad("siteId must be a non-empty string");
  }
  if (
    credentialId !== undefined && !isUuid(credentialId)
  ) {
    throw bad("credentialId must be a uuid");
  }
  if (typeof queue !== "boolean") throw bad("queue must be true or false");
  if (queue && (dryRun || lookbackHours !== undefined || siteId !== undefined || credentialId)) {
    throw bad(
      "queue works the due jobs and takes no dryRun, lookbackHours, siteId or credentialId",
    );
  }
  return {
    trigger,
    queue,
    dryRun,
    lookbackHours: lookbackHours as number | undefined,
    siteId: siteId as string | undefined,
    credentialId: credentialId as string | undefined,
  };
}

function bad(detail: string): RequestError {
  return new RequestError(400, `Cannot start a run: ${detail}`);
}
