import assert from "node:assert/strict";
import type { Env } from "../shared/config.ts";
import { Fernet, generateKey } from "../shared/fernet.ts";
import { main } from "./fernet.ts";
import python from "../shared/testdata/fernet_python.json" with { type: "json" };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const repoRoot = new URL("../", import.meta.url);

interface Run {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

async function run(args: string[], input: string | Uint8Array, env: Env): Promise<Run> {
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  const sink = (chunks: Uint8Array[]) =>
    new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const code = await main(args, {
    stdin: ReadableStream.from([bytes]),
    stdout: sink(stdout),
    stderr: sink(stderr),
    env,
  });
  return { code, stdout: concat(stdout), stderr: decoder.decode(concat(stderr)) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}

/** One line on stderr, naming no secret. */
function assertOneSafeLine(stderr: string, secrets: string[]): void {
  assert.match(stderr, /^Cannot [^\n]+\n$/);
  for (const secret of secrets.filter((s) => s.length > 0)) {
    assert.ok(!stderr.includes(secret), `stderr reveals secret material: ${stderr}`);
  }
}

/** Runs the CLI as operators do, in a separate Deno process. */
async function runProcess(args: string[], input: string, env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: repoRoot,
    env: { NO_COLOR: "1", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(encoder.encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("fernet encrypt prints a token that the first key of ENCRYPTION_KEY decrypts", async () => {
  const [first, second] = [generateKey(), generateKey()];
  const result = await run(["encrypt"], '{"api_key":"k-123"}', {
    ENCRYPTION_KEY: `${first},${second}`,
  });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, "");
  const output = decoder.decode(result.stdout);
  assert.match(output, /^gAAAAA[A-Za-z0-9_-]+=*\n$/);
  assert.equal(await new Fernet(first).decryptText(output.trim()), '{"api_key":"k-123"}');
  await assert.rejects(new Fernet(second).decrypt(output.trim()));
});

Deno.test("fernet decrypt writes exactly the plaintext of a Python token from any key", async () => {
  for (const entry of python.keyring) {
    const result = await run(["decrypt"], `\n  ${entry.token}\r\n`, { ENCRYPTION_KEY: entry.keys });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(decoder.decode(result.stdout), entry.src, entry.desc);
  }
});

Deno.test("fernet encrypt then decrypt gives back binary stdin unchanged", async () => {
  const env = { ENCRYPTION_KEY: generateKey() };
  const input = Uint8Array.from([0, 255, 0xc3, 0x28, 10, 13, 10]);
  const encrypted = await run(["encrypt"], input, env);
  const decrypted = await run(["decrypt"], encrypted.stdout, env);
  assert.equal(decrypted.code, 0);
  assert.deepEqual(decrypted.stdout, input);
});

Deno.test("fernet decrypt of an invalid token exits 1 with one line on stderr and no plaintext", async () => {
  const key = generateKey();
  const token = await new Fernet(key).encrypt("the plaintext");
  const tampered = token.slice(0, 30) + (token[30] === "A" ? "B" : "A") + token.slice(31);
  for (const input of [tampered, "not a token", "", await new Fernet(generateKey()).encrypt("x")]) {
    const result = await run(["decrypt"], input, { ENCRYPTION_KEY: key });
    assert.equal(result.code, 1);
    assert.equal(result.stdout.length, 0);
    assertOneSafeLine(result.stderr, [key, input, "the plaintext"]);
    assert.match(result.stderr, /no key matches or the token is invalid/);
  }
});

Deno.test("fernet encrypt and decrypt exit 2 naming ENCRYPTION_KEY when it is missing", async () => {
  for (const command of ["encrypt", "decrypt"]) {
    for (const env of [{}, { ENCRYPTION_KEY: "" }, { ENCRYPTION_KEY: "  \n" }]) {
      const result = await run([command], "data", env);
      assert.equal(result.code, 2);
      assert.equal(result.stdout.length, 0);
      assert.equal(result.stderr, "Cannot read ENCRYPTION_KEY: it is not set\n");
    }
  }
});

Deno.test("fernet exits 2 naming the position of a bad key without printing it", async () => {
  const bad = generateKey().slice(0, 43);
  const result = await run(["encrypt"], "data", { ENCRYPTION_KEY: `${generateKey()},${bad}` });
  assert.equal(result.code, 2);
  assert.equal(result.stdout.length, 0);
  assert.equal(
    result.stderr,
    "Cannot read ENCRYPTION_KEY: key 2 of 2 is not 32 url-safe base64 bytes\n",
  );
  assertOneSafeLine(result.stderr, [bad]);
});

Deno.test("fernet keygen prints a new working key and needs no ENCRYPTION_KEY", async () => {
  const first = await run(["keygen"], "", {});
  const second = await run(["keygen"], "", {});
  assert.equal(first.code, 0);
  const key = decoder.decode(first.stdout);
  assert.match(key, /^[A-Za-z0-9_-]{43}=\n$/);
  assert.notEqual(key, decoder.decode(second.stdout));
  const fernet = new Fernet(key.trim());
  assert.equal(await fernet.decryptText(await fernet.encrypt("x")), "x");
});

Deno.test("fernet rejects an unknown or missing command with usage and exit 2", async () => {
  for (const args of [[], ["encode"], ["encrypt", "extra"]]) {
    const result = await run(args, "data", { ENCRYPTION_KEY: generateKey() });
    assert.equal(result.code, 2);
    assert.equal(result.stdout.length, 0);
    assert.match(result.stderr, /^Usage: deno task fernet encrypt\|decrypt\|keygen/);
  }
});

Deno.test("cli/fernet.ts round-trips stdin through real processes", async () => {
  const env = { ENCRYPTION_KEY: `${generateKey()},${generateKey()}` };
  const args = ["run", "--allow-env", "cli/fernet.ts"];
  const plaintext = "Grüße ☀\nsecond line";
  const encrypted = await runProcess([...args, "encrypt"], plaintext, env);
  assert.equal(encrypted.code, 0, encrypted.stderr);
  assert.match(encrypted.stdout, /^gAAAAA[A-Za-z0-9_-]+=*\n$/);
  const decrypted = await runProcess([...args, "decrypt"], encrypted.stdout, env);
  assert.equal(decrypted.code, 0, decrypted.stderr);
  assert.equal(decrypted.stdout, plaintext);
});

Deno.test("cli/fernet.ts exits non-zero on an invalid token in a real process", async () => {
  const key = generateKey();
  const token = await new Fernet(key).encrypt("the plaintext");
  const tampered = token.slice(0, -4) + (token.at(-4) === "A" ? "B" : "A") + token.slice(-3);
  const result = await runProcess(["run", "--allow-env", "cli/fernet.ts", "decrypt"], tampered, {
    ENCRYPTION_KEY: key,
  });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assertOneSafeLine(result.stderr, [key, tampered, "the plaintext"]);
});

Deno.test("deno task fernet has the permissions the CLI needs", async () => {
  const key = generateKey();
  const result = await runProcess(["task", "-q", "fernet", "encrypt"], "through the task", {
    ENCRYPTION_KEY: key,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await new Fernet(key).decryptText(result.stdout.trim()), "through the task");
});
