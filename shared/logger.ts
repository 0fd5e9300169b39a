/**
 * Structured JSON logs. Every line passes through a redactor that knows each secret decrypted in
 * this process, so a key that slips into an error message or URL is masked before it is written.
 */
export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  child(fields: Fields): Logger;
  readonly redactor: Redactor;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Redactor {
  #secrets = new Set<string>();

  /** Short strings are not registered: masking "1" everywhere would garble every log line. */
  add(secret: string): void {
    if (secret.length >= 6) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.replaceAll(secret, "[redacted]");
    return out;
  }
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
    redactor,
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
