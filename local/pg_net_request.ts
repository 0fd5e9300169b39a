/**
 * One queued pg_net request, performed the way pg_net's libcurl worker does it
 * (supabase/pg_net src/core.c): headers arrive as `name: value` lines, a `User-Agent: pg_net/…`
 * is added, redirects are followed, the timeout covers the whole transfer, and the outcome is a
 * `net._http_response` row: status, headers, body and content type on success; `timed_out` and
 * curl's message on failure. Pure apart from the injected `fetch`, so it is unit-tested alone.
 */

/** A row taken from `net.http_request_queue` (headers already flattened to `name: value`). */
export interface QueueRow {
  id: string;
  method: string;
  url: string;
  headers: string[] | null;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

/** The columns the worker writes to `net._http_response`. */
export interface ResponseRow {
  id: string;
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean;
  error_msg: string | null;
}

export interface PerformOptions {
  fetch?: typeof fetch;
  /** Aborts the request when the worker stops. */
  signal?: AbortSignal;
}

const userAgent = "pg_net/0.20.4";

export async function performRequest(
  row: QueueRow,
  options: PerformOptions = {},
): Promise<ResponseRow> {
  const failed = (error_msg: string, timed_out = false): ResponseRow => ({
    id: row.id,
    status_code: null,
    content_type: null,
    headers: null,
    content: null,
    timed_out,
    error_msg,
  });
  const headers = new Headers();
  for (const line of row.headers ?? []) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    // pg_net refuses to send a header that could inject others; the message hides the value.
    if (/[\r\n]/.test(line)) {
      return failed(`header "${name}" contains a carriage return or line feed`);
    }
    headers.append(name.trim(), colon < 0 ? "" : line.slice(colon + 1).trim());
  }
  if (!headers.has("user-agent")) headers.set("user-agent", userAgent);
  if (!(row.timeout_milliseconds > 0)) {
    return failed(`timeout_milliseconds must be at least 1, got ${row.timeout_milliseconds}`);
  }
  const method = row.method.toUpperCase();
  const timeout = AbortSignal.timeout(row.timeout_milliseconds);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const started = performance.now();
  try {
    const response = await (options.fetch ?? fetch)(row.url, {
      method,
      headers,
      // libcurl sends a GET without a body; fetch forbids one anyway.
      body: method === "GET"
        ? undefined
        : row.body ?? (method === "POST" ? new Uint8Array() : undefined),
      redirect: "follow",
      signal,
    });
    const content = await response.text();
    return {
      id: row.id,
      status_code: response.status,
      content_type: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers),
      content: content === "" ? null : content,
      timed_out: false,
      error_msg: null,
    };
  } catch (error) {
    if (timeout.aborted) {
      const total = (performance.now() - started).toFixed(6);
      return failed(
        `Timeout of ${row.timeout_milliseconds} ms reached. Total time: ${total} ms`,
        true,
      );
    }
    return failed(curlMessage(error));
  }
}

/** The libcurl wording for the failures a local stack meets, so logs read like pg_net's. */
export function curlMessage(error: unknown): string {
  const text = error instanceof Error
    ? `${error.message} ${String(error.cause ?? "")}`
    : String(error);
  if (/connection refused/i.test(text)) return "Couldn't connect to server";
  if (/dns error|failed to lookup|name or service not known|name resolution/i.test(text)) {
    return "Couldn't resolve host name";
  }
  if (/aborted/i.test(text)) return "Request aborted: the pg_net worker is stopping";
  return error instanceof Error ? error.message : text;
}
