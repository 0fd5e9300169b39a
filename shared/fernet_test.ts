import assert from "node:assert/strict";
import { Fernet, FernetError, generateKey } from "./fernet.ts";
import python from "./testdata/fernet_python.json" with { type: "json" };

/** The shape of the spec's vectors, which testdata/fernet_python.json follows too. */
interface Vector {
  desc?: string;
  token: string;
  now: string;
  secret: string;
  iv?: number[];
  src?: string;
  src_hex?: string;
  ttl_sec?: number;
}

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

function plaintextOf(vector: Vector): Uint8Array {
  if (vector.src !== undefined) return new TextEncoder().encode(vector.src);
  return Uint8Array.from(vector.src_hex!.match(/../g) ?? [], (pair) => parseInt(pair, 16));
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

function assertNoSecrets(message: string, secrets: string[]): void {
  for (const secret of secrets.filter((s) => s.length > 0)) {
    assert.ok(!message.includes(secret), `"${message}" reveals secret material`);
  }
}

function tokenBytes(token: string): Uint8Array {
  return Uint8Array.from(
    atob(token.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
}

function tokenOf(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

function invalidPython(desc: string): Vector {
  const vector = python.invalid.find((v) => v.desc === desc);
  assert.ok(vector, `testdata has no invalid vector "${desc}"`);
  return vector;
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

Deno.test("Fernet names what is wrong with a token", async () => {
  const expected: Record<string, RegExp> = {
    "incorrect MAC (last byte flipped)": /MAC does not match/,
    "wrong key (valid under another key)": /MAC does not match/,
    "ciphertext bit flipped": /MAC does not match/,
    "version byte 0x81, re-signed with the right key": /version byte is not 0x80/,
    "unpadded base64": /not padded url-safe base64/,
    "empty token": /too short/,
    "too short (first 40 bytes of a token)": /too short/,
    "empty ciphertext, correctly signed": /too short/,
    "ciphertext of 17 bytes, correctly signed": /not a whole number of blocks/,
    "bad PKCS7 padding, correctly signed": /padding is invalid/,
    "padding byte 0, correctly signed": /padding is invalid/,
    "timestamp 61 s in the future": /more than 60 s in the future/,
    "expired: 61 s old under a 60 s TTL": /older than its 60 s time to live/,
  };
  for (const [desc, pattern] of Object.entries(expected)) {
    const vector = invalidPython(desc);
    await assert.rejects(
      new Fernet(vector.secret).decrypt(vector.token, {
        now: new Date(vector.now),
        ttlSeconds: vector.ttl_sec,
      }),
      pattern,
      desc,
    );
  }
});

Deno.test("Fernet checks the MAC before decrypting: bad padding behind a bad MAC fails on the MAC", async () => {
  const vector = invalidPython("bad PKCS7 padding, correctly signed");
  const bytes = tokenBytes(vector.token);
  bytes[bytes.length - 1] ^= 1;
  await assert.rejects(
    new Fernet(vector.secret).decrypt(tokenOf(bytes), { now: new Date(vector.now) }),
    /MAC does not match/,
  );
});

Deno.test("Fernet rejects a token whose MAC differs in any one byte", async () => {
  const vector = python.generate[0];
  const fernet = new Fernet(vector.secret);
  const options = { now: new Date(vector.now) };
  const bytes = tokenBytes(vector.token);
  for (let index = bytes.length - 32; index < bytes.length; index++) {
    const altered = bytes.slice();
    altered[index] ^= 0x80;
    await assert.rejects(fernet.decrypt(tokenOf(altered), options), /MAC does not match/);
  }
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

Deno.test("Fernet accepts only padded url-safe base64 tokens", async () => {
  const vector = python.generate.find((v) => /[-_]/.test(v.token.slice(0, -2)))!;
  const fernet = new Fernet(vector.secret);
  const options = { now: new Date(vector.now) };
  const variants = [
    vector.token.replaceAll("-", "+").replaceAll("_", "/"),
    `${vector.token}\n`,
    ` ${vector.token}`,
    vector.token.replace(/=+$/, ""),
    `${vector.token}=`,
  ];
  for (const token of variants) {
    await assert.rejects(fernet.decrypt(token, options), /not padded url-safe base64/);
  }
});

Deno.test("decryptText rejects plaintext that is not UTF-8 while decrypt returns its bytes", async () => {
  const vector = python.generate.find((v) => v.src_hex !== undefined)!;
  const fernet = new Fernet(vector.secret);
  const options = { now: new Date(vector.now) };
  assert.deepEqual(await fernet.decrypt(vector.token, options), plaintextOf(vector));
  await assert.rejects(fernet.decryptText(vector.token, options), (error: unknown) => {
    assert.ok(error instanceof FernetError);
    assert.match(error.message, /not valid UTF-8/);
    return true;
  });
});

Deno.test("decryptText keeps a leading byte-order mark as Python does", async () => {
  const fernet = new Fernet(generateKey());
  assert.equal(await fernet.decryptText(await fernet.encrypt("\uFEFFtext")), "\uFEFFtext");
});

Deno.test("Fernet refuses a key that is not 32 url-safe base64 bytes, without echoing it", () => {
  const good = generateKey();
  const bad = {
    "": /it is empty/,
    [good.slice(0, 43)]: /43 characters instead of the 44/,
    [`${good.slice(0, 42)}==`]: /not url-safe base64/,
    ["+/+/" + good.slice(4)]: /not url-safe base64/,
    [btoa("x".repeat(24)).replaceAll("+", "-").replaceAll("/", "_")]: /32 characters/,
    [good.slice(0, 43) + "A"]: /not url-safe base64/,
  };
  for (const [key, pattern] of Object.entries(bad)) {
    assert.throws(() => new Fernet(key), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^Cannot use Fernet key: /);
      assert.match(error.message, pattern);
      assertNoSecrets(error.message, [key]);
      return true;
    });
  }
});

Deno.test("generateKey returns distinct 32-byte url-safe base64 keys", () => {
  const keys = new Set(Array.from({ length: 20 }, () => generateKey()));
  assert.equal(keys.size, 20);
  for (const key of keys) {
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
    assert.equal(tokenBytes(key).length, 32);
    new Fernet(key);
  }
});

Deno.test("Fernet refuses an IV that is not 16 bytes and a clock that is not a valid date", async () => {
  const fernet = new Fernet(generateKey());
  await assert.rejects(
    fernet.encrypt("x", { iv: new Uint8Array(12) }),
    /IV must be 16 bytes, not 12/,
  );
  await assert.rejects(fernet.encrypt("x", { now: new Date(-1000) }), /before 1970/);
  await assert.rejects(fernet.encrypt("x", { now: new Date(NaN) }), /invalid date/);
  const token = await fernet.encrypt("x");
  await assert.rejects(fernet.decrypt(token, { now: new Date(NaN) }), RangeError);
  await assert.rejects(fernet.decrypt(token, { ttlSeconds: -1 }), /non-negative/);
  await assert.rejects(fernet.decrypt(token, { ttlSeconds: NaN }), /non-negative/);
});

Deno.test("Fernet keeps its key out of inspection, JSON and error messages", async () => {
  const key = generateKey();
  const fernet = new Fernet(key);
  await fernet.encrypt("x");
  assert.equal(Deno.inspect(fernet, { showHidden: true, depth: 10 }), "Fernet {}");
  assert.equal(JSON.stringify(fernet), "{}");
  const token = await new Fernet(generateKey()).encrypt("the plaintext");
  await assert.rejects(fernet.decrypt(token), (error: unknown) => {
    assert.ok(error instanceof FernetError);
    assertNoSecrets(error.message, [key, token, "the plaintext"]);
    return true;
  });
});
