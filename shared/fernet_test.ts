import assert from "node:assert/strict";
import { Fernet, FernetError, generateKey } from "./fernet.ts";
import { assertNoSecrets, plaintextOf, tokenBytes, type Vector } from "./testing/fernet_vectors.ts";
import python from "./testdata/fernet_python.json" with { type: "json" };

// The spec's own vectors live outside the repository and are absent on some machines.
const specDir = new URL("../../shared/fixtures/fernet/", import.meta.url);
const specPresent = exists(specDir);

function exists(url: URL): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function readSpec(name: string): Vector[] {
  return JSON.parse(Deno.readTextFileSync(new URL(name, specDir)));
}

function label(vector: Vector, index: number): string {
  return vector.desc ?? `vector ${index + 1}`;
}

async function assertGenerates(vectors: Vector[]): Promise<void> {
  assert.ok(vectors.length > 0);
  for (const [index, vector] of vectors.entries()) {
    const token = await new Fernet(vector.secret).encrypt(plaintextOf(vector), {
      now: new Date(vector.now),
      iv: Uint8Array.from(vector.iv!),
    });
    assert.equal(token, vector.token, label(vector, index));
  }
}

async function assertDecrypts(vectors: Vector[]): Promise<void> {
  assert.ok(vectors.length > 0);
  for (const [index, vector] of vectors.entries()) {
    const options = { now: new Date(vector.now), ttlSeconds: vector.ttl_sec };
    const fernet = new Fernet(vector.secret);
    const bytes = await fernet.decrypt(vector.token, options);
    assert.deepEqual(bytes, plaintextOf(vector), label(vector, index));
    if (vector.src !== undefined) {
      assert.equal(await fernet.decryptText(vector.token, options), vector.src);
    }
  }
}

/** Rejected with a FernetError whose message holds neither the token nor the key. */
async function assertRejects(vectors: Vector[]): Promise<void> {
  assert.ok(vectors.length > 0);
  for (const [index, vector] of vectors.entries()) {
    const options = { now: new Date(vector.now), ttlSeconds: vector.ttl_sec };
    const fernet = new Fernet(vector.secret);
    const attempts = [
      () => fernet.decrypt(vector.token, options),
      () => fernet.decryptText(vector.token, options),
    ];
    for (const attempt of attempts) {
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof FernetError, label(vector, index));
        assert.equal(error.name, "FernetError");
        assert.match(error.message, /^Cannot decrypt token: /);
        assertNoSecrets(error.message, [vector.token, vector.secret]);
        return true;
      });
    }
  }
}

Deno.test({
  name: "Fernet reproduces the spec's generate.json tokens byte for byte",
  ignore: !specPresent,
  fn: () => assertGenerates(readSpec("generate.json")),
});

Deno.test({
  name: "Fernet decrypts the spec's verify.json tokens under their now and TTL",
  ignore: !specPresent,
  fn: () => assertDecrypts(readSpec("verify.json")),
});

Deno.test({
  name: "Fernet rejects all eight of the spec's invalid.json tokens",
  ignore: !specPresent,
  fn: async () => {
    const vectors = readSpec("invalid.json");
    assert.equal(vectors.length, 8);
    await assertRejects(vectors);
  },
});

Deno.test("Fernet reproduces Python's _encrypt_from_parts tokens byte for byte", async () => {
  await assertGenerates(python.generate);
});

Deno.test("Fernet decrypts Python's tokens, including TTL and clock-skew boundaries", async () => {
  await assertDecrypts(python.verify);
  // Python's fixed-IV tokens read back too, at the time they were made.
  await assertDecrypts(python.generate);
});

Deno.test("Fernet rejects every token that Python rejects", async () => {
  await assertRejects(python.invalid);
});

Deno.test("Fernet round-trips text and bytes with a random IV and the real clock", async () => {
  const fernet = new Fernet(generateKey());
  const first = await fernet.encrypt("same plaintext");
  const second = await fernet.encrypt("same plaintext");
  assert.notEqual(first, second);
  assert.equal(await fernet.decryptText(first, { ttlSeconds: 60 }), "same plaintext");
  assert.equal(await fernet.decryptText(second), "same plaintext");
  const binary = Uint8Array.from([0, 255, 128, 10, 13]);
  assert.deepEqual(await fernet.decrypt(await fernet.encrypt(binary)), binary);
});

Deno.test("Fernet writes the injected now into the token and checks TTL against the injected now", async () => {
  const fernet = new Fernet(generateKey());
  const made = new Date("2030-06-01T12:00:00.900Z");
  const token = await fernet.encrypt("x", { now: made });
  const stamped = new DataView(tokenBytes(token).buffer).getBigUint64(1);
  assert.equal(stamped, BigInt(Math.floor(made.getTime() / 1000)));
  const at = (seconds: number) => new Date(made.getTime() + seconds * 1000);
  assert.equal(await fernet.decryptText(token, { now: at(10), ttlSeconds: 10 }), "x");
  await assert.rejects(fernet.decrypt(token, { now: at(11), ttlSeconds: 10 }), /time to live/);
});

Deno.test("Fernet accepts an old token without a TTL but refuses one from beyond the clock skew", async () => {
  const fernet = new Fernet(generateKey());
  const token = await fernet.encrypt("x", { now: new Date("2026-01-01T00:01:01Z") });
  const tenYearsLater = new Date("2036-01-01T00:00:00Z");
  assert.equal(await fernet.decryptText(token, { now: tenYearsLater }), "x");
  // Python applies this check only with a TTL; the spec and this module always apply it.
  await assert.rejects(
    fernet.decrypt(token, { now: new Date("2026-01-01T00:00:00Z") }),
    /more than 60 s in the future/,
  );
  assert.equal(await fernet.decryptText(token, { now: new Date("2026-01-01T00:00:01Z") }), "x");
});

Deno.test("decryptText keeps a leading byte-order mark as Python does", async () => {
  const fernet = new Fernet(generateKey());
  assert.equal(await fernet.decryptText(await fernet.encrypt("\uFEFFtext")), "\uFEFFtext");
});
