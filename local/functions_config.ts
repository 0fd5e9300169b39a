/**
 * The part of supabase/config.toml the gateway needs: `enabled` and `verify_jwt` of each
 * `[functions.<name>]` table. A deliberately small reader (no TOML package is pinned, and the CLI
 * itself validates the whole file on every `db push`): it understands table headers, comments and
 * boolean keys, and ignores everything else.
 */
export interface FunctionConfig {
  enabled: boolean;
  verifyJwt: boolean;
}

/** Supabase's defaults for a function without a config.toml entry. */
export const defaultFunctionConfig: FunctionConfig = Object.freeze({
  enabled: true,
  verifyJwt: true,
});

export function parseFunctionsConfig(toml: string): Record<string, FunctionConfig> {
  const functions: Record<string, FunctionConfig> = {};
  let current: FunctionConfig | undefined;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const name = /^functions\.(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))$/.exec(header[1]);
      const key = name?.[1] ?? name?.[2] ?? name?.[3];
      current = key === undefined ? undefined : (functions[key] ??= { ...defaultFunctionConfig });
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(true|false)$/.exec(line);
    if (!current || !pair) continue;
    if (pair[1] === "enabled") current.enabled = pair[2] === "true";
    if (pair[1] === "verify_jwt") current.verifyJwt = pair[2] === "true";
  }
  return functions;
}

/** Reads and parses a config.toml; a missing file means every function takes the defaults. */
export async function readFunctionsConfig(path: string): Promise<Record<string, FunctionConfig>> {
  try {
    return parseFunctionsConfig(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}
