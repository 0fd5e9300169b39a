/**
 * Opens one credential for use: decrypts the Fernet token, lets the adapter validate the document,
 * registers every sensitive string with the log redactor, and builds the paced HTTP client the
 * adapter calls through. For OAuth and session vendors that client renews the token before it
 * expires, and once more when the vendor says it expired (401, or the vendor's own signal), then
 * repeats the call.
 */
import { BadRecordError, FatalCredentialError, RetriableError } from "./errors.ts";
import { fetchWithRetry, type HttpOptions, type HttpRequest, type HttpResult } from "./http.ts";
import type { Logger } from "./logger.ts";
import { MinutePacer } from "./pacer.ts";
import type { BudgetStore, CredentialRow, CredentialStore } from "./store.ts";
import { TokenManager } from "./token_manager.ts";
import type { Adapter, AdapterContext, VendorConfig } from "./types.ts";

export interface Decrypter {
  decrypt(token: string): Promise<string>;
}

export interface Keys extends Decrypter {
  encrypt(plaintext: string): Promise<string>;
}

export interface OpenOptions {
  baseUrl: string;
  vendorConfig?: VendorConfig;
  keyring: Keys;
  /** Needed by token vendors: renewals are stored under the credential's row lock. */
  store?: CredentialStore & BudgetStore;
  logger: Logger;
  now: () => Date;
  http?: HttpOptions;
  /** The run's end: no vendor call, timeout or wait of this credential goes past it. */
  deadline?: Date;
  /** Counts every attempt made for the credential itself (site lists, token renewals). */
  countCall: () => void;
  beforeTokenCommit?: () => void | Promise<void>;
}

/**
 * An opened credential. `forSite(count)` is the same context whose vendor calls are counted by
 * `count` instead of the credential's counter, so sites that run in parallel each know their own
 * calls (a difference of one shared counter would mix them).
 */
export interface CredentialContext<S> extends AdapterContext<S> {
  forSite(count: () => void): AdapterContext<S>;
}

export async function openCredential<S>(
  adapter: Adapter<S>,
  row: CredentialRow,
  o: OpenOptions,
): Promise<CredentialContext<S>> {
  let document: unknown;
  try {
    document = JSON.parse(await o.keyring.decrypt(row.secret));
  } catch {
    // Neither the token nor the plaintext may reach the message.
    throw new BadRecordError(
      `Cannot open credential "${row.label}": its secret does not decrypt with ENCRYPTION_KEY`,
    );
  }
  const redact = (sensitive: string[]) => {
    for (const s of sensitive) if (s) o.logger.redactor.add(s);
  };
  const { secret, sensitive } = adapter.parseSecret(document);
  redact(sensitive);
  const vendorConfig = o.vendorConfig ?? {};
  const send = (req: HttpRequest, options: HttpOptions = {}) =>
    fetchWithRetry(req, {
      ...o.http,
      deadline: o.deadline?.getTime() ?? o.http?.deadline,
      onAttempt: o.countCall,
      fatalMessage: (status) => adapter.describeFatal?.(status),
      ...options,
    });
  let tokens: TokenManager<S> | undefined;
  if (adapter.tokens && (adapter.tokens.applies?.(secret) ?? true)) {
    if (!o.store) throw new Error("Cannot open a token credential without a store");
    tokens = new TokenManager(secret, {
      adapter,
      credentialId: row.id,
      store: o.store,
      keyring: o.keyring,
      vendorConfig,
      call: (req) => send(req),
      now: o.now,
      onSecret: redact,
      beforeCommit: o.beforeTokenCommit,
    });
  }
  const pacer = new MinutePacer({
    ...pacing(adapter, row, vendorConfig),
    now: o.http?.now,
    sleep: o.http?.sleep,
  });
  const current = () => tokens?.secret ?? secret;
  const spend = monthlyBudget(adapter, row, vendorConfig, o);
  // The token is checked again after the pacer's wait: an SMA token lives 300 s, and a full
  // 5-minute window can outlast it, which would otherwise cost a 401 and a repeated call.
  const beforeAttempt = async () => {
    await spend?.();
    await tokens?.ensureFresh();
  };
  const attempt = (req: HttpRequest, onAttempt: () => void) =>
    send({
      ...req,
      headers: { accept: "application/json", ...req.headers },
      acceptStatuses: tokens ? [...(req.acceptStatuses ?? []), 401] : req.acceptStatuses,
    }, { pacer, beforeAttempt, onAttempt, authHeaders: () => adapter.authHeaders(current()) });
  const expired = (r: HttpResult) => r.status === 401 || !!adapter.tokens?.isExpired?.(r);
  const http = (count: () => void) => async (req: HttpRequest) => {
    if (!tokens) return await attempt(req, count);
    await tokens.ensureFresh();
    const used = tokens.accessToken();
    let result = await attempt(req, count);
    if (expired(result)) {
      await tokens.renew(used);
      result = await attempt(req, count);
    }
    if (result.status === 401 && !req.acceptStatuses?.includes(401)) {
      throw new FatalCredentialError(
        adapter.describeFatal?.(401) ??
          `Cannot call ${req.label}: the vendor rejected a freshly renewed token (HTTP 401)`,
        { status: 401 },
      );
    }
    return result;
  };
  const logger = o.logger.child({ credential: row.id });
  const contextFor = (count: () => void): AdapterContext<S> => ({
    baseUrl: o.baseUrl,
    get secret() {
      return current();
    },
    vendorConfig,
    authorize: tokens ? () => tokens.ensureFresh() : undefined,
    plan: row.plan ?? {},
    now: o.now,
    logger,
    http: http(count),
  });
  return Object.assign(contextFor(o.countCall), { forSite: contextFor });
}

/**
 * The monthly quota, when the plan has one (Enphase Watt: 1,000 calls): every attempt spends one
 * call from the credential's row in `rate_limit_budgets`, and once the month is spent the
 * credential pauses until the next month instead of collecting 429s.
 */
function monthlyBudget<S>(
  adapter: Adapter<S>,
  row: CredentialRow,
  vendorConfig: VendorConfig,
  o: OpenOptions,
): (() => Promise<void>) | undefined {
  const plan = row.plan ?? {};
  const app = Number(vendorConfig[`${adapter.spec.source.toUpperCase()}_PER_MONTH`]);
  const limit = typeof plan.perMonth === "number"
    ? plan.perMonth
    : app > 0
    ? app
    : adapter.spec.rateLimits.perMonth;
  if (!limit || !o.store) return undefined;
  const store = o.store;
  return async () => {
    const now = o.now();
    const period = `${now.toISOString().slice(0, 7)}-01`;
    if (await store.spendBudget(row.id, period, limit)) return;
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    throw new RetriableError(
      `Cannot call ${adapter.spec.source}: the credential's ${limit} calls for ${
        period.slice(0, 7)
      } are spent; calls resume on ${new Date(next).toISOString().slice(0, 10)}`,
      { retryAfterMs: next - now.getTime() },
    );
  };
}

/** The credential's plan overrides the adapter's default limits (Enphase plans, SMA packages). */
function pacing<S>(adapter: Adapter<S>, row: CredentialRow, vendorConfig: VendorConfig) {
  const plan = row.plan ?? {};
  const perFive = typeof plan.perFiveMinutes === "number"
    ? plan.perFiveMinutes
    : Number(vendorConfig[`${adapter.spec.source.toUpperCase()}_PER_FIVE_MINUTES`]);
  if (perFive > 0) return { window: { limit: perFive, windowMs: 300_000 } };
  // The app's plan (e.g. ENPHASE_PER_MINUTE for an Enphase Partner app) sets the default.
  const appLimit = Number(vendorConfig[`${adapter.spec.source.toUpperCase()}_PER_MINUTE`]);
  const perMinute = typeof plan.perMinute === "number"
    ? plan.perMinute
    : appLimit > 0
    ? appLimit
    : adapter.spec.rateLimits.perMinute;
  return { perMinute };
}
