/** Runs a test command, streams its output, and counts passes and failures from it. */
export interface TestCount {
  passed: number;
  failed: number;
  code: number;
}

export async function runAndCount(
  cmd: string,
  args: string[],
  kind: "deno" | "tap",
  env: Record<string, string> = {},
): Promise<TestCount> {
  const child = new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>, out: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      await out.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const { code } = await child.status;
  return { ...(kind === "deno" ? countDeno(text) : countTap(text)), code };
}

/** Deno closes with `ok | 12 passed (3 steps) | 0 failed` or `FAILED | ...`. */
export function countDeno(text: string): { passed: number; failed: number } {
  // Colour codes surround the summary when the caller did not set NO_COLOR.
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = [...plain.matchAll(/^(?:ok|FAILED) \| (\d+) passed.*?\| (\d+) failed/gm)];
  const last = lines.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : { passed: 0, failed: 0 };
}

/** pg_prove --verbose prints one `ok N` or `not ok N` line per assertion. */
export function countTap(text: string): { passed: number; failed: number } {
  const passed = text.match(/^\s*ok \d+/gm)?.length ?? 0;
  const failed = text.match(/^\s*not ok \d+/gm)?.length ?? 0;
  return { passed, failed };
}
