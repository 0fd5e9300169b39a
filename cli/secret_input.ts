/**
 * Reads a credential's secret from standard input, or from a prompt that does not echo when a
 * person is typing. Never from argv: arguments end up in shell history and process lists.
 */
import { readAll } from "./io.ts";

export async function readSecret(stdin: ReadableStream<Uint8Array>, isTerminal: boolean) {
  const text = isTerminal
    ? await promptHidden("Secret (API key or JSON document): ")
    : await readAll(stdin);
  return parseSecretText(text);
}

/** A bare line is an API key; a JSON object is the whole secret document. */
export function parseSecretText(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error("Cannot read the secret: standard input is empty");
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new Error("Cannot read the secret: it starts with { but is not valid JSON");
    }
  }
  return { apiKey: trimmed };
}

async function promptHidden(question: string): Promise<string> {
  const enc = new TextEncoder();
  await Deno.stderr.write(enc.encode(question));
  Deno.stdin.setRaw(true);
  const chunks: number[] = [];
  const buf = new Uint8Array(1);
  try {
    while ((await Deno.stdin.read(buf)) === 1 && buf[0] !== 13 && buf[0] !== 10) {
      if (buf[0] === 3) throw new Error("Cancelled");
      chunks.push(buf[0]);
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(enc.encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(chunks));
}
