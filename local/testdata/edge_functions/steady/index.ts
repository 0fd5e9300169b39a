// Test fixture: an ordinary invocation: some hashing before the answer and some after it, in
// EdgeRuntime.waitUntil, as the vendor functions do their runs.
declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

const megabyte = new TextEncoder().encode("x".repeat(1 << 20));

async function hashRounds(rounds: number): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    bytes += (await crypto.subtle.digest("SHA-256", megabyte)).byteLength;
  }
  return bytes;
}

export default {
  async fetch(): Promise<Response> {
    const hashed = await hashRounds(20);
    EdgeRuntime.waitUntil(hashRounds(20));
    return Response.json({ hashed });
  },
};
