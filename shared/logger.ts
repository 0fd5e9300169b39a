/**
 * Structured JSON logs. Every line passes through a redactor that knows the secrets decrypted in
 * its scope, so a key that slips into an error message or URL is masked before it is written.
 * Scopes (`Logger.scope`) keep that cheap: a credential's scope masks its own secrets and those of
 * the scopes above it, and each scope above also learns them, for its own rarer lines. A scope is
 * dropped with its run, so nothing grows with every credential a long-lived worker has seen.
 */
export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** The same lines and redactor, with more fields. */
  child(fields: Fields): Logger;
  /** A child with a redactor of its own (`Redactor.scope`): for a run, or one credential. */
  scope(fields: Fields): Logger;
  readonly redactor: Redactor;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Redactor {
  /** Secrets added here: masked by this redactor and every scope below it. */
  #own = new Set<string>();
  /** Secrets added in scopes below: masked by this redactor only. */
  #below = new Set<string>();
  readonly #parent: Redactor | undefined;

  constructor(parent?: Redactor) {
    this.#parent = parent;
  }

  /** A redactor below this one: it masks what this one holds, and what it learns moves up. */
  scope(): Redactor {
    return new Redactor(this);
  }

  /** Short strings are not registered: masking "1" everywhere would garble every log line. */
  add(secret: string): void {
    if (secret.length < 6) return;
    this.#own.add(secret);
    // Up to the run, not the process: the root keeps only what was added to it directly.
    for (let up = this.#parent; up && up.#parent; up = up.#parent) up.#below.add(secret);
  }

  /** How many secrets this redactor masks. */
  get size(): number {
    return this.#below.size + this.#lineage().reduce((n, r) => n + r.#own.size, 0);
  }

  redact(text: string): string {
    let out = text;
    for (const r of this.#lineage()) for (const secret of r.#own) out = mask(out, secret);
    for (const secret of this.#below) out = mask(out, secret);
    return out;
  }

  /** This redactor and those above it. */
  #lineage(): Redactor[] {
    const chain: Redactor[] = [];
    for (let r: Redactor | undefined = this.#parent; r; r = r.#parent) chain.push(r);
    return [this as Redactor, ...chain];
  }
}

const MASK = "[redacted]";
/** A token at least this long is also masked where a vendor quotes only its start. */
const FRAGMENT_OF = 16;
/** The shortest start of such a token that is masked. */
const FRAGMENT = 8;

/**
 * Masks `secret` in `text`, and for a long token also any run of its first characters (a vendor's
 * error text that quotes "the first characters of a revoked refresh token" must not be stored).
 */
function mask(text: string, secret: string): string {
  let out = text.includes(secret) ? text.replaceAll(secret, MASK) : text;
  if (secret.length < FRAGMENT_OF) return out;
  const start = secret.slice(0, FRAGMENT);
  for (let at = out.indexOf(start); at >= 0; at = out.indexOf(start, at + MASK.length)) {
    let len = FRAGMENT;
    while (len < secret.length && out[at + len] === secret[len]) len++;
    out = out.slice(0, at) + MASK + out.slice(at + len);
  }
  return out;
}

export interface LoggerOptions {
  level?: Level;
  write?: (line: string) => void;
  redactor?: Redactor;
  fields?: Fields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const write = options.write ?? ((line: string) => console.log(line));
  const redactor = options.redactor ?? new Redactor();
  const base = options.fields ?? {};
  const emit = (lvl: Level) => (message: string, fields: Fields = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const line = JSON.stringify({
      ts: new Date().toISOString(),
      level: lvl,
      msg: message,
      ...base,
      ...fields,
    }, errorReplacer);
    write(redactor.redact(line));
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => createLogger({ level, write, redactor, fields: { ...base, ...fields } }),
    scope: (fields) =>
      createLogger({ level, write, redactor: redactor.scope(), fields: { ...base, ...fields } }),
    redactor,
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
