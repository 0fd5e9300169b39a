import assert from "node:assert/strict";
import { Fernet, FernetError, generateKey } from "./fernet.ts";
import { Keyring } from "./keyring.ts";
import python from "./testdata/fernet_python.json" with { type: "json" };

const NO_MATCH = "Cannot decrypt token: no key matches or the token is invalid";

/** Rejected with the keyring's one message, which holds none of the given secrets. */
function noMatch(secrets: string[]): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof FernetError);
    assert.equal(error.name, "FernetError");
    assert.equal(error.message, NO_MATCH);
    const cause = error.cause instanceof Error ? error.cause.message : "";
    for (const secret of secrets.filter((s) => s.length > 0)) {
      assert.ok(!error.message.includes(secret) && !cause.includes(secret), "secret revealed");
    }
    return true;
  };
}

Deno.test("Keyring encrypts with the first key only", async () => {
  const [first, second] = [generateKey(), generateKey()];
  const token = await Keyring.parse(`${first},${second}`).encrypt("site credentials");
  assert.equal(await new Fernet(first).decryptText(token), "site credentials");
  await assert.rejects(new Fernet(second).decrypt(token), /MAC does not match/);
});

Deno.test("Keyring decrypts tokens made with any of its keys", async () => {
  const keys = [generateKey(), generateKey(), generateKey()];
  const keyring = Keyring.parse(keys.join(","));
  for (const [index, key] of keys.entries()) {
    const token = await new Fernet(key).encrypt(`made with key ${index + 1}`);
    assert.equal(await keyring.decrypt(token), `made with key ${index + 1}`);
  }
});

Deno.test("Keyring still reads an old key's token after a new key is put first", async () => {
  const [oldKey, newKey] = [generateKey(), generateKey()];
  const before = await Keyring.parse(oldKey).encrypt("written before rotation");
  const rotated = Keyring.parse(`${newKey}, ${oldKey}`);
  assert.equal(await rotated.decrypt(before), "written before rotation");
  const after = await rotated.encrypt("written after rotation");
  assert.equal(await Keyring.parse(newKey).decrypt(after), "written after rotation");
  await assert.rejects(Keyring.parse(oldKey).decrypt(after), noMatch([oldKey, after]));
});

Deno.test("Keyring decrypts Python's MultiFernet and rotated tokens", async () => {
  assert.ok(python.keyring.length > 0);
  for (const entry of python.keyring) {
    assert.equal(await Keyring.parse(entry.keys).decrypt(entry.token), entry.src, entry.desc);
  }
});

Deno.test("Keyring decryptBytes returns the exact bytes and decrypt insists on UTF-8", async () => {
  const keyring = Keyring.parse(generateKey());
  const bytes = Uint8Array.from([0xc3, 0x28, 0x00, 0xff]);
  const token = await keyring.encrypt(bytes);
  assert.deepEqual(await keyring.decryptBytes(token), bytes);
  await assert.rejects(keyring.decrypt(token), /not valid UTF-8/);
  assert.equal(await keyring.decrypt(await keyring.encrypt("Grüße ☀")), "Grüße ☀");
});

Deno.test("Keyring throws one FernetError when no key matches, without secrets", async () => {
  const [key, other] = [generateKey(), generateKey()];
  const token = await new Fernet(other).encrypt("the plaintext");
  await assert.rejects(
    Keyring.parse(`${key},${generateKey()}`).decrypt(token),
    noMatch([key, other, token, "the plaintext"]),
  );
  for (const vector of python.invalid) {
    await assert.rejects(
      Keyring.parse(`${generateKey()},${vector.secret}`).decrypt(vector.token, {
        now: new Date(vector.now),
        ttlSeconds: vector.ttl_sec,
      }),
      noMatch([vector.secret, vector.token]),
      vector.desc,
    );
  }
});

Deno.test("Keyring passes now and ttlSeconds to every key", async () => {
  const key = generateKey();
  const keyring = Keyring.parse(`${generateKey()},${key}`);
  const made = new Date("2026-05-01T00:00:00Z");
  const token = await new Fernet(key).encrypt("x", { now: made });
  const later = (seconds: number) => new Date(made.getTime() + seconds * 1000);
  assert.equal(await keyring.decrypt(token, { now: later(30), ttlSeconds: 30 }), "x");
  await assert.rejects(keyring.decrypt(token, { now: later(31), ttlSeconds: 30 }), (error) => {
    assert.ok(error instanceof FernetError && error.cause instanceof FernetError);
    assert.match(error.cause.message, /time to live/);
    return true;
  });
  const own = await keyring.encrypt("y", { now: made, iv: new Uint8Array(16) });
  assert.equal(await keyring.decrypt(own, { now: later(60), ttlSeconds: 60 }), "y");
  await assert.rejects(keyring.decrypt(own, { now: later(61), ttlSeconds: 60 }), FernetError);
  // A caller's mistake is not a bad token, so it is not hidden behind "no key matches".
  await assert.rejects(keyring.decrypt(own, { ttlSeconds: -1 }), RangeError);
});

Deno.test("Keyring.parse trims the whitespace around each key", async () => {
  const [first, second] = [generateKey(), generateKey()];
  const keyring = Keyring.parse(`  ${first} ,\n\t${second}\n`);
  const token = await new Fernet(second).encrypt("x");
  assert.equal(await keyring.decrypt(token), "x");
  assert.equal(await new Fernet(first).decryptText(await keyring.encrypt("y")), "y");
});

Deno.test("Keyring.parse names the position of a bad key without printing it", () => {
  const good = generateKey();
  const standardAlphabet = good.slice(0, 40) + "+/+=";
  const cases: [string, string, string][] = [
    [`${good},${standardAlphabet},${good}`, "key 2 of 3", standardAlphabet],
    [`${good.slice(0, 43)},${good}`, "key 1 of 2", good.slice(0, 43)],
    [`${good},,${good}`, "key 2 of 3", good],
    [`${good},`, "key 2 of 2", good],
  ];
  for (const [value, position, secret] of cases) {
    assert.throws(() => Keyring.parse(value), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.equal(
        error.message,
        `Cannot read ENCRYPTION_KEY: ${position} is not 32 url-safe base64 bytes`,
      );
      const cause = error.cause instanceof Error ? error.cause.message : "";
      assert.ok(!error.message.includes(secret) && !cause.includes(secret), "key revealed");
      return true;
    });
  }
});

Deno.test("Keyring.parse refuses a value without keys", () => {
  for (const value of ["", "   ", ",", " , "]) {
    assert.throws(
      () => Keyring.parse(value),
      /^TypeError: Cannot read ENCRYPTION_KEY: it holds no keys$/,
    );
  }
});

Deno.test("isCurrent tells a token of the first key from one of an older key", async () => {
  const [fresh, old] = [generateKey(), generateKey()];
  const ring = Keyring.parse(`${fresh},${old}`);
  assert.equal(await ring.isCurrent(await ring.encrypt("x")), true);
  assert.equal(await ring.isCurrent(await Keyring.parse(old).encrypt("x")), false);
  assert.equal(await ring.isCurrent("not-a-token"), false);
});
