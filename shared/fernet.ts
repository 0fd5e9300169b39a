/**
 * Fernet tokens (https://github.com/fernet/spec) on WebCrypto alone, so that Edge Functions need
 * no npm package to read the credentials they fetch with. Tokens are byte-compatible with Python's
 * `cryptography.fernet` in both directions.
 *
 * Token layout: version 0x80 | 8-byte big-endian Unix seconds | 16-byte IV | AES-128-CBC
 * ciphertext with PKCS#7 padding | HMAC-SHA256 of everything before it; all in padded url-safe
 * base64. The 32-byte key is the 16-byte HMAC key followed by the 16-byte AES key.
 *
 * Error messages carry no token, key or plaintext: they end up in logs and sync-status columns.
 */

const VERSION = 0x80;
const BLOCK_BYTES = 16;
const MAC_BYTES = 32;
const HEADER_BYTES = 1 + 8 + BLOCK_BYTES;
/** Even an empty plaintext is padded to one whole block. */
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + MAC_BYTES;
/** The spec's allowance for a token stamped by a clock running ahead of ours. */
const MAX_CLOCK_SKEW_SECONDS = 60;
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}=$/;
const TOKEN_PATTERN = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

export interface EncryptOptions {
  /** The time written into the token; the real clock when absent. */
  now?: Date;
  /**
   * Only for reproducing test vectors: a repeated IV shows which tokens share a plaintext
   * prefix. A fresh random IV is used when absent.
   */
  iv?: Uint8Array;
}

export interface DecryptOptions {
  /** The clock for the TTL and clock-skew checks; the real clock when absent. */
  now?: Date;
  /** Reject tokens older than this; no age limit when absent. */
  ttlSeconds?: number;
}

/** A token that cannot be decrypted: malformed, tampered with, expired or made with another key. */
export class FernetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FernetError";
  }
}

/** A new random key in the form Python's `Fernet.generate_key()` returns. */
export function generateKey(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

interface Keys {
  signing: CryptoKey;
  encryption: CryptoKey;
}

export class Fernet {
  // Private fields stay out of Deno.inspect, console.log and JSON.stringify.
  readonly #rawKey: Uint8Array<ArrayBuffer>;
  #keys?: Promise<Keys>;

  /** Takes a key as Python's `Fernet.generate_key()` makes it: 32 bytes in url-safe base64. */
  constructor(key: string) {
    const problem = keyProblem(key);
    if (problem !== undefined) throw new TypeError(`Cannot use Fernet key: ${problem}`);
    this.#rawKey = decodeBase64Url(key);
  }

  async encrypt(plaintext: string | Uint8Array, options: EncryptOptions = {}): Promise<string> {
    const iv = options.iv?.slice() ?? crypto.getRandomValues(new Uint8Array(BLOCK_BYTES));
    if (iv.length !== BLOCK_BYTES) {
      throw new RangeError(`Cannot encrypt: the IV must be 16 bytes, not ${iv.length}`);
    }
    const timestamp = unixSeconds(options.now, "encrypt");
    if (timestamp < 0) throw new RangeError("Cannot encrypt: now is before 1970");
    const data = typeof plaintext === "string" ? encoder.encode(plaintext) : plaintext.slice();
    const keys = await this.#importKeys();
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt({ name: "AES-CBC", iv }, keys.encryption, data),
    );
    const token = new Uint8Array(HEADER_BYTES + ciphertext.length + MAC_BYTES);
    token[0] = VERSION;
    new DataView(token.buffer).setBigUint64(1, BigInt(timestamp));
    token.set(iv, 9);
    token.set(ciphertext, HEADER_BYTES);
    const signed = token.subarray(0, token.length - MAC_BYTES);
    const mac = await crypto.subtle.sign("HMAC", keys.signing, signed);
    token.set(new Uint8Array(mac), signed.length);
    return encodeBase64Url(token);
  }

  async decrypt(token: string, options: DecryptOptions = {}): Promise<Uint8Array> {
    const data = parseToken(token);
    checkTimestamp(data, options);
    const keys = await this.#importKeys();
    const signed = data.subarray(0, data.length - MAC_BYTES);
    const expected = new Uint8Array(await crypto.subtle.sign("HMAC", keys.signing, signed));
    // The MAC is checked before any decryption, so a forged token never reaches the padding
    // check and cannot be used as a padding oracle.
    if (!equalInConstantTime(expected, data.subarray(signed.length))) {
      throw new FernetError(
        "Cannot decrypt token: its MAC does not match (wrong key or altered token)",
      );
    }
    const iv = data.slice(9, HEADER_BYTES);
    const ciphertext = data.slice(HEADER_BYTES, signed.length);
    try {
      // WebCrypto removes the PKCS#7 padding and fails when it is malformed.
      const plaintext = await crypto.subtle.decrypt(
        { name: "AES-CBC", iv },
        keys.encryption,
        ciphertext,
      );
      return new Uint8Array(plaintext);
    } catch {
      throw new FernetError("Cannot decrypt token: the padding is invalid");
    }
  }

  /** Like `decrypt`, for plaintext that must be UTF-8 text. */
  async decryptText(token: string, options: DecryptOptions = {}): Promise<string> {
    const bytes = await this.decrypt(token, options);
    try {
      return strictDecoder.decode(bytes);
    } catch {
      throw new FernetError("Cannot decrypt token: the plaintext is not valid UTF-8");
    }
  }

  /** Imported on first use, so constructing a Fernet leaves no pending operation behind. */
  #importKeys(): Promise<Keys> {
    this.#keys ??= importKeys(this.#rawKey);
    return this.#keys;
  }
}

const encoder = new TextEncoder();
// Python's bytes.decode keeps a leading byte-order mark, so the text must too.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

async function importKeys(raw: Uint8Array<ArrayBuffer>): Promise<Keys> {
  const [signing, encryption] = await Promise.all([
    crypto.subtle.importKey(
      "raw",
      raw.slice(0, 16),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    ),
    crypto.subtle.importKey("raw", raw.slice(16), { name: "AES-CBC" }, false, [
      "encrypt",
      "decrypt",
    ]),
  ]);
  return { signing, encryption };
}

/** Names what is wrong by length and alphabet only, never by content. */
function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string" || key === "") return "it is empty";
  if (key.length !== 44) {
    return `it has ${key.length} characters instead of the 44 of 32 bytes in padded base64`;
  }
  if (!KEY_PATTERN.test(key)) {
    return "it is not url-safe base64 (A-Z, a-z, 0-9, - and _, ending in one =)";
  }
  return undefined;
}

/** The decoded token after every check that needs no key. */
function parseToken(token: string): Uint8Array<ArrayBuffer> {
  // Stricter than Python, which also accepts the standard alphabet and skips stray characters;
  // no Fernet implementation writes those, so they only ever come from corruption.
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) {
    throw new FernetError("Cannot decrypt token: it is not padded url-safe base64");
  }
  const data = decodeBase64Url(token);
  if (data.length > 0 && data[0] !== VERSION) {
    throw new FernetError("Cannot decrypt token: the version byte is not 0x80");
  }
  if (data.length < MIN_TOKEN_BYTES) {
    throw new FernetError("Cannot decrypt token: it is too short");
  }
  if ((data.length - HEADER_BYTES - MAC_BYTES) % BLOCK_BYTES !== 0) {
    throw new FernetError("Cannot decrypt token: the ciphertext is not a whole number of blocks");
  }
  return data;
}

/**
 * The future check applies with or without a TTL, as in the spec's reference implementations;
 * Python only applies it with a TTL. A token stamped by a fast clock is therefore refused only
 * until our clock is within 60 s of its timestamp.
 */
function checkTimestamp(data: Uint8Array, options: DecryptOptions): void {
  const now = unixSeconds(options.now, "decrypt token");
  // Exact below 2^53 s; anything above is far in the future either way.
  const timestamp = Number(new DataView(data.buffer, data.byteOffset).getBigUint64(1));
  if (now + MAX_CLOCK_SKEW_SECONDS < timestamp) {
    throw new FernetError("Cannot decrypt token: its timestamp is more than 60 s in the future");
  }
  const ttl = options.ttlSeconds;
  if (ttl === undefined) return;
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new RangeError("Cannot decrypt token: ttlSeconds must be a non-negative number");
  }
  if (timestamp + ttl < now) {
    throw new FernetError(`Cannot decrypt token: it is older than its ${ttl} s time to live`);
  }
}

/** Whole seconds as Python's `int(time.time())` gives them. */
function unixSeconds(now: Date | undefined, action: string): number {
  const ms = (now ?? new Date()).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Cannot ${action}: now is an invalid date`);
  return Math.floor(ms / 1000);
}

/** Visits every byte whatever the first difference, so timing reveals nothing of the MAC. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

// atob and btoa rather than Uint8Array.fromBase64, which the Edge Runtime's V8 may lack.
function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
}

/** Expects input already validated against KEY_PATTERN or TOKEN_PATTERN. */
function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
