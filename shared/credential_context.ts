/**
 * Opens one credential for use: decrypts the Fernet token, lets the adapter validate the document,
 * registers every sensitive string with the log redactor, and builds the paced HTTP client the
 * adapter calls through.
 */
import { BadRecordError } from "./errors.ts";
import { fetchWithRetry, type HttpOptions } from "./http.ts";
import type { Logger } from "./logger.ts";
import { MinutePacer } from "./pacer.ts";
import type { CredentialRow } from "./store.ts";
import type { Adapter, AdapterContext, VendorConfig } from "./types.ts";

export interface Decrypter {
  decrypt(token: string): Promise<string>;
}

export interface OpenOptions {
  baseUrl: string;
  vendorConfig?: VendorConfig;
  keyring: Decrypter;
  logger: Logger;
  now: () => Date;
  http?: HttpOptions;
  countCall: () => void;
}

export async function openCredential<S>(
  adapter: Adapter<S>,
  row: CredentialRow,
  o: OpenOptions,
): Promise<AdapterContext<S>> {
  let document: unknown;
  try {
    document = JSON.parse(await o.keyring.decrypt(row.secret));
  } catch {
    // Neither the token nor the plaintext may reach the message.
    throw new BadRecordError(
      `Cannot open credential "${row.label}": its secret does not decrypt with ENCRYPTION_KEY`,
    );
  }
  const { secret, sensitive } = adapter.parseSecret(document);
  for (const s of sensitive) if (s) o.logger.redactor.add(s);
  const auth = adapter.authHeaders(secret);
  const pacer = new MinutePacer({
    perMinute: adapter.spec.rateLimits.perMinute,
    now: o.http?.now,
    sleep: o.http?.sleep,
  });
  return {
    baseUrl: o.baseUrl,
    secret,
    vendorConfig: o.vendorConfig ?? {},
    plan: row.plan ?? {},
    now: o.now,
    logger: o.logger.child({ credential: row.id }),
    http: (req) =>
      fetchWithRetry(
        { ...req, headers: { accept: "application/json", ...req.headers, ...auth } },
        {
          ...o.http,
          pacer,
          onAttempt: o.countCall,
          fatalMessage: (status) => adapter.describeFatal?.(status),
        },
      ),
  };
}
