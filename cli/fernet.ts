/**
 * `deno task fernet encrypt|decrypt|keygen`: the operator's tool for credential secrets.
 *
 * - `encrypt` reads all of stdin and prints a token made with the first key of ENCRYPTION_KEY.
 * - `decrypt` reads a token from stdin and writes the plaintext bytes exactly, with no newline
 *   added, so that `encrypt | decrypt` gives back the input unchanged.
 * - `keygen` prints a new key; it needs no ENCRYPTION_KEY.
 *
 * Exit codes: 0 done, 1 the token cannot be decrypted, 2 bad usage or ENCRYPTION_KEY.
 */
import { type Env, environment } from "../shared/config.ts";
import { FernetError, generateKey } from "../shared/fernet.ts";
import { Keyring } from "../shared/keyring.ts";

export interface CliIo {
  stdin: ReadableStream<Uint8Array>;
  stdout: WritableStream<Uint8Array>;
  stderr: WritableStream<Uint8Array>;
  env: Env;
}

const USAGE =
  "Usage: deno task fernet encrypt|decrypt|keygen (data on stdin, keys in ENCRYPTION_KEY)";

export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...extra] = args;
  if (extra.length > 0 || !["encrypt", "decrypt", "keygen"].includes(command)) {
    await writeLine(io.stderr, USAGE);
    return 2;
  }
  if (command === "keygen") {
    await writeLine(io.stdout, generateKey());
    return 0;
  }
  let keyring: Keyring;
  try {
    keyring = readKeyring(io.env);
  } catch (error) {
    await writeLine(io.stderr, (error as Error).message);
    return 2;
  }
  const input = new Uint8Array(await new Response(io.stdin).arrayBuffer());
  if (command === "encrypt") {
    await writeLine(io.stdout, await keyring.encrypt(input));
    return 0;
  }
  let plaintext: Uint8Array;
  try {
    plaintext = await keyring.decryptBytes(new TextDecoder().decode(input).trim());
  } catch (error) {
    if (!(error instanceof FernetError)) throw error;
    await writeLine(io.stderr, error.message);
    return 1;
  }
  await write(io.stdout, plaintext);
  return 0;
}

function readKeyring(env: Env): Keyring {
  const value = env.ENCRYPTION_KEY;
  if (value === undefined || value.trim() === "") {
    throw new Error("Cannot read ENCRYPTION_KEY: it is not set");
  }
  return Keyring.parse(value);
}

function writeLine(stream: WritableStream<Uint8Array>, line: string): Promise<void> {
  return write(stream, new TextEncoder().encode(`${line}\n`));
}

async function write(stream: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  // Released rather than closed: closing would close the process's stdout or stderr.
  const writer = stream.getWriter();
  try {
    await writer.write(bytes);
  } finally {
    writer.releaseLock();
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args, {
    stdin: Deno.stdin.readable,
    stdout: Deno.stdout.writable,
    stderr: Deno.stderr.writable,
    env: environment(),
  });
}
