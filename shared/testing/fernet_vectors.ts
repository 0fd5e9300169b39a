/**
 * Helpers shared by fernet_test.ts and fernet_errors_test.ts, so that both read the vectors and
 * check for leaked secrets the same way.
 */
import assert from "node:assert/strict";

/** The shape of the spec's vectors, which shared/testdata/fernet_python.json follows too. */
export interface Vector {
  desc?: string;
  token: string;
  now: string;
  secret: string;
  iv?: number[];
  src?: string;
  src_hex?: string;
  ttl_sec?: number;
}

export function plaintextOf(vector: Vector): Uint8Array {
  if (vector.src !== undefined) return new TextEncoder().encode(vector.src);
  return Uint8Array.from(vector.src_hex!.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function assertNoSecrets(message: string, secrets: string[]): void {
  for (const secret of secrets.filter((s) => s.length > 0)) {
    assert.ok(!message.includes(secret), `"${message}" reveals secret material`);
  }
}

export function tokenBytes(token: string): Uint8Array {
  return Uint8Array.from(
    atob(token.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
}
