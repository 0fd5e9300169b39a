/** The streams a CLI talks through, injectable so tests run commands in-process. */
export interface CliIo {
  stdin: ReadableStream<Uint8Array>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function processIo(): CliIo {
  const enc = new TextEncoder();
  return {
    stdin: Deno.stdin.readable,
    stdout: (t) => Deno.stdout.writeSync(enc.encode(t)),
    stderr: (t) => Deno.stderr.writeSync(enc.encode(t)),
  };
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}
