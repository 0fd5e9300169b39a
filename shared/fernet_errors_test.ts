/**
 * What Fernet refuses and what it keeps secret: malformed and tampered tokens, bad keys, IVs and
 * clocks, and the key kept out of inspection and messages. The vectors are in fernet_test.ts.
 */
import assert from "node:assert/strict";
import { Fernet, FernetError, generateKey } from "./fernet.ts";
import { assertNoSecrets, plaintextOf, tokenBytes, type Vector } from "./testing/fernet_vectors.ts";
import python from "./testdata/fernet_python.json" with { type: "json" };

function tokenOf(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

function invalidPython(desc: string): Vector {
  const vector = python.invalid.find((v) => v.desc === desc);
  assert.ok(vector, `testdata has no invalid vector "${desc}"`);
  return vector;
}

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
