/**
 * A fault-injecting proxy in front of moto, for the functions of the local stack: it passes every
 * request through unchanged until a fault is armed on `POST /_faults {"kind", "count", "path"?}`,
 * and then the next `count` requests whose path contains `path` fail the way S3 and the networks
 * in front of it fail: `slowdown` (503 SlowDown, S3's XML error), `reset` (the connection is cut
 * before any answer) or `timeout` (no answer for `hangMs`, default 60 s, then a cut).
 * `PUT /_faults/latency {"ms"}` delays every request that passes (the bench's S3 latency).
 * `DELETE /_faults` disarms everything and sets the latency back to none; `GET /_faults` counts
 * what passed and what was injected. The tests, the demo and the chaos checker talk to moto
 * directly.
 */

export const S3_FAULT_KINDS = ["slowdown", "reset", "timeout"] as const;
export type S3FaultKind = typeof S3_FAULT_KINDS[number];

interface S3Fault {
  kind: S3FaultKind;
  left: number;
  path?: string;
  hangMs: number;
}

const SLOWDOWN = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`;

export interface S3FaultProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) and forwards to `target`. Plain TCP with one
 * request per connection, not an HTTP server: a reset must drop the connection before any status
 * line, which only a socket of one's own can do. No keep-alive on purpose: on a reused
 * connection the client's HTTP layer would quietly send the request again, and a reset would
 * never reach the code under test.
 */
export function startS3FaultProxy(target: string, port: number): Promise<S3FaultProxy> {
  let faults: S3Fault[] = [];
  let latencyMs = 0;
  const counts = { passed: 0, slowdown: 0, reset: 0, timeout: 0 };
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const open = new Set<Deno.Conn>();

  async function answer(req: RawRequest): Promise<Uint8Array | undefined> {
    const url = new URL(req.target, "http://proxy");
    if (url.pathname === "/_faults/latency" && req.method === "PUT") {
      try {
        const { ms } = JSON.parse(new TextDecoder().decode(req.body)) as { ms?: unknown };
        if (!Number.isInteger(ms) || (ms as number) < 0 || (ms as number) > 60_000) {
          throw new TypeError("Cannot set the latency: ms must be a whole number from 0 to 60000");
        }
        latencyMs = ms as number;
        return raw(200, JSON.stringify({ latencyMs }));
      } catch (error) {
        return raw(400, JSON.stringify({ error: (error as Error).message }));
      }
    }
    if (url.pathname === "/_faults") {
      if (req.method === "DELETE") {
        faults = [];
        latencyMs = 0;
        return raw(200, JSON.stringify({ cleared: true }));
      }
      if (req.method === "GET") {
        return raw(200, JSON.stringify({ ...counts, armed: faults.length, latencyMs }));
      }
      try {
        faults.push(arm(JSON.parse(new TextDecoder().decode(req.body))));
        return raw(201, JSON.stringify({ armed: faults.length }));
      } catch (error) {
        return raw(400, JSON.stringify({ error: (error as Error).message }));
      }
    }
    const hit = faults.find((f) => f.path === undefined || url.pathname.includes(f.path));
    if (hit) {
      if (--hit.left === 0) faults = faults.filter((f) => f !== hit);
      counts[hit.kind]++;
      if (hit.kind === "slowdown") return raw(503, SLOWDOWN, { "content-type": "application/xml" });
      if (hit.kind === "timeout") await new Promise((r) => setTimeout(r, hit.hangMs));
      return undefined;
    }
    counts.passed++;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    try {
      const headers = new Headers();
      for (const [name, value] of req.headers) {
        if (!["host", "connection", "content-length", "transfer-encoding"].includes(name)) {
          headers.append(name, value);
        }
      }
      const res = await fetch(`${target}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : req.body,
      });
      const out: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (!["content-length", "transfer-encoding", "connection"].includes(name)) {
          out[name] = value;
        }
      });
      return raw(res.status, new Uint8Array(await res.arrayBuffer()), out);
    } catch (error) {
      return raw(
        502,
        JSON.stringify({ error: `Cannot reach ${target}: ${(error as Error).message}` }),
      );
    }
  }

  async function serve(conn: Deno.Conn) {
    open.add(conn);
    try {
      const req = await readRequest(conn);
      const out = req && await answer(req);
      if (out) await writeAll(conn, out);
    } catch {
      // A client that went away: nothing to answer.
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) void serve(conn);
  })().catch(() => {});
  const bound = (listener.addr as Deno.NetAddr).port;
  return Promise.resolve({
    url: `http://127.0.0.1:${bound}`,
    async close() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
      await accepting;
    },
  });
}

interface RawRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: Uint8Array<ArrayBuffer>;
}

const CRLF2 = new TextEncoder().encode("\r\n\r\n");

/** One HTTP/1.1 request with a Content-Length body (what the SDK and fetch send), or null. */
async function readRequest(conn: Deno.Conn): Promise<RawRequest | null> {
  let data: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  const buf = new Uint8Array(64 * 1024);
  let headEnd = -1;
  while (headEnd < 0) {
    const n = await conn.read(buf);
    if (n === null) return null;
    data = concat(data, buf.subarray(0, n));
    headEnd = indexOf(data, CRLF2);
  }
  const head = new TextDecoder().decode(data.subarray(0, headEnd)).split("\r\n");
  const [method, target] = head[0].split(" ");
  const headers = head.slice(1).map((line) => {
    const at = line.indexOf(":");
    return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()] as [string, string];
  });
  const length = Number(headers.find(([n]) => n === "content-length")?.[1] ?? 0);
  let body = data.subarray(headEnd + 4);
  while (body.length < length) {
    const n = await conn.read(buf);
    if (n === null) break;
    body = concat(body, buf.subarray(0, n));
  }
  return { method, target, headers, body: body.subarray(0, length) };
}

function raw(
  status: number,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
): Uint8Array {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const lines = [`HTTP/1.1 ${status} ${status < 400 ? "OK" : "Error"}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${bytes.length}`, "connection: close", "", "");
  return concat(new TextEncoder().encode(lines.join("\r\n")), bytes);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOf(data: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= data.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (data[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function arm(body: Record<string, unknown>): S3Fault {
  const { kind, count, path, hangMs } = body ?? {};
  if (!S3_FAULT_KINDS.includes(kind as S3FaultKind)) {
    throw new TypeError(`Cannot add fault: kind must be one of ${S3_FAULT_KINDS.join(", ")}`);
  }
  if (!Number.isInteger(count) || (count as number) < 1) {
    throw new TypeError("Cannot add fault: count must be a positive integer");
  }
  if (path !== undefined && typeof path !== "string") {
    throw new TypeError("Cannot add fault: path must be text");
  }
  if (hangMs !== undefined && (!Number.isInteger(hangMs) || (hangMs as number) < 0)) {
    throw new TypeError("Cannot add fault: hangMs must be a whole number of milliseconds");
  }
  return {
    kind: kind as S3FaultKind,
    left: count as number,
    path: path as string | undefined,
    hangMs: (hangMs as number | undefined) ?? 60_000,
  };
}
