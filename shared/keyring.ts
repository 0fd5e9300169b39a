/**
 * The keys of ENCRYPTION_KEY, which works like Python's MultiFernet: the first key encrypts and
 * every key decrypts. A key is rotated by putting a new key first, re-encrypting the stored
 * tokens, then dropping the old key.
 */
import { type DecryptOptions, type EncryptOptions, Fernet, FernetError } from "./fernet.ts";

export class Keyring {
  readonly #fernets: readonly Fernet[];

  private constructor(fernets: readonly Fernet[]) {
    this.#fernets = fernets;
  }

  /** Reads comma-separated keys; errors give a bad key's position, never the key. */
  static parse(value: string): Keyring {
    const keys = value.split(",").map((key) => key.trim());
    if (keys.every((key) => key === "")) {
      throw new TypeError("Cannot read ENCRYPTION_KEY: it holds no keys");
    }
    const fernets = keys.map((key, index) => {
      try {
        return new Fernet(key);
      } catch (cause) {
        const position = `key ${index + 1} of ${keys.length}`;
        const message = `Cannot read ENCRYPTION_KEY: ${position} is not 32 url-safe base64 bytes`;
        throw new TypeError(message, { cause });
      }
    });
    return new Keyring(fernets);
  }

  /** Encrypts with the first key. */
  encrypt(plaintext: string | Uint8Array, options?: EncryptOptions): Promise<string> {
    return this.#fernets[0].encrypt(plaintext, options);
  }

  /** Whether the first key opens the token: a re-encryption has nothing to do for it. */
  async isCurrent(token: string): Promise<boolean> {
    try {
      await this.#fernets[0].decrypt(token);
      return true;
    } catch (error) {
      if (error instanceof FernetError) return false;
      throw error;
    }
  }

  /** Decrypts UTF-8 text with whichever key made the token. */
  async decrypt(token: string, options?: DecryptOptions): Promise<string> {
    const bytes = await this.decryptBytes(token, options);
    try {
      return strictDecoder.decode(bytes);
    } catch {
      throw new FernetError("Cannot decrypt token: the plaintext is not valid UTF-8");
    }
  }

  /** Decrypts with whichever key made the token, for plaintext that may not be text. */
  async decryptBytes(token: string, options?: DecryptOptions): Promise<Uint8Array> {
    let lastError: FernetError | undefined;
    for (const fernet of this.#fernets) {
      try {
        return await fernet.decrypt(token, options);
      } catch (error) {
        if (!(error instanceof FernetError)) throw error;
        lastError = error;
      }
    }
    // A wrong key and a damaged token look alike from here; the cause says which check failed.
    throw new FernetError("Cannot decrypt token: no key matches or the token is invalid", {
      cause: lastError,
    });
  }
}

// Python's bytes.decode keeps a leading byte-order mark, so the text must too.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
