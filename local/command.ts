/**
 * Runs a program to completion and returns its output; the stack's one way to call `pg_ctl`,
 * `psql`-free tools, `bash` and the Supabase CLI, so every failure carries the program's stderr.
 */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Throw when the exit code is not 0 (default true). */
  check?: boolean;
}

export async function runCommand(
  cmd: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const [program, ...args] = cmd;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(program, {
      args,
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(`Cannot run ${program}: it is not installed or not on PATH`, { cause: error });
  }
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  if ((options.check ?? true) && result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-20).join("\n");
    throw new Error(`Cannot run ${program} ${args.join(" ")}: exit code ${result.code}\n${detail}`);
  }
  return result;
}

/** PostgreSQL refuses to run as root: as root, run `cmd` as the OS user `postgres`. */
export function asPostgresUser(cmd: string[]): string[] {
  return Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
}
