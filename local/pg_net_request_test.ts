import assert from "node:assert/strict";
import { performRequest, type QueueRow } from "./pg_net_request.ts";

const row = (overrides: Partial<QueueRow> = {}): QueueRow => ({
  id: "7",
  method: "POST",
  url: "http://127.0.0.1:54321/functions/v1/solaredge/run",
  headers: ["Content-Type: application/json", "apikey: k"],
  body: new TextEncoder().encode('{"trigger":"cron"}'),
  timeout_milliseconds: 5000,
  ...overrides,
});

function recordingFetch(response: () => Response) {
  const seen: Request[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return Promise.resolve(response());
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

Deno.test("performRequest sends method, headers, body and pg_net's User-Agent", async () => {
  const { seen, fetch } = recordingFetch(() => new Response("{}", { status: 202 }));
  await performRequest(row(), { fetch });
  assert.equal(seen[0].method, "POST");
  assert.equal(seen[0].headers.get("apikey"), "k");
  assert.equal(seen[0].headers.get("content-type"), "application/json");
  assert.equal(seen[0].headers.get("user-agent"), "pg_net/0.20.4");
  assert.equal(await seen[0].text(), '{"trigger":"cron"}');
});

Deno.test("performRequest records status, content type, headers and body of the response", async () => {
  const { fetch } = recordingFetch(() =>
    new Response('{"accepted":true}', {
      status: 202,
      headers: { "content-type": "application/json", "x-run": "r1" },
    })
  );
  const result = await performRequest(row(), { fetch });
  assert.deepEqual(result, {
    id: "7",
    status_code: 202,
    content_type: "application/json",
    headers: { "content-type": "application/json", "x-run": "r1" },
    content: '{"accepted":true}',
    timed_out: false,
    error_msg: null,
  });
});

Deno.test("performRequest stores an empty body as null, as pg_net does", async () => {
  const { fetch } = recordingFetch(() => new Response(null, { status: 204 }));
  assert.equal((await performRequest(row(), { fetch })).content, null);
});

Deno.test("performRequest sends a GET without a body", async () => {
  const { seen, fetch } = recordingFetch(() => new Response("ok"));
  await performRequest(row({ method: "GET", body: null, headers: [] }), { fetch });
  assert.equal(seen[0].method, "GET");
  assert.equal(seen[0].body, null);
});

Deno.test("performRequest marks a request that outlives its timeout as timed out", async () => {
  const hang =
    ((_: unknown, init?: RequestInit) =>
      new Promise((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      )) as typeof fetch;
  const result = await performRequest(row({ timeout_milliseconds: 5 }), { fetch: hang });
  assert.equal(result.timed_out, true);
  assert.equal(result.status_code, null);
  assert.match(result.error_msg ?? "", /^Timeout of 5 ms reached\. Total time: [\d.]+ ms$/);
});

Deno.test("performRequest words a refused connection like curl and never throws", async () => {
  const refuse = (() =>
    Promise.reject(
      new TypeError("tcp connect error: Connection refused (os error 111)"),
    )) as typeof fetch;
  const result = await performRequest(row(), { fetch: refuse });
  assert.equal(result.error_msg, "Couldn't connect to server");
  assert.equal(result.timed_out, false);
});

Deno.test("performRequest refuses a header with a line break and names only the header", async () => {
  const { seen, fetch } = recordingFetch(() => new Response("ok"));
  const result = await performRequest(row({ headers: ["x-evil: a\r\nInjected: b"] }), { fetch });
  assert.equal(seen.length, 0);
  assert.equal(result.error_msg, 'header "x-evil" contains a carriage return or line feed');
});
