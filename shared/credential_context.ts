/**
 * Opens one credential for use: decrypts the Fernet token, lets the adapter validate the document,
 * registers every sensitive string with the log redactor, and builds the paced HTTP client the
 * adapter calls through. For OAuth and session vendors that client renews the token before it
 * expires, and once more when the vendor says it expired (401, or the vendor's own signal), then
 * repeats the call.
 */
import { BadRecordError, FatalCredentialError } from "./errors.ts";
import { fetchWithRetry, type HttpOptions, type HttpRequest, type HttpResult } from "./http.ts";
import type { Logger } from "./logger.ts";
import { MinutePacer } from "./pacer.ts";
import { QuotaGate } from "./quota_gate.ts";
import { type QuotaBudget, resolveQuotas } from "./quota_plan.ts";
import type { BudgetStore, CredentialRow, CredentialStore } from "./store.ts";
import { TokenManager } from "./token_manager.ts";
import type { Adapter, AdapterContext, AdapterSpec, VendorConfig } from "./types.ts";
import { vendorEntry } from "./vendors.ts";

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
  let plaintext: string;
  try {
    plaintext = await o.keyring.decrypt(row.secret);
  } catch {
    // Neither the token nor the plaintext may reach the message.
    throw new BadRecordError(
      `Cannot open credential "${row.label}": its secret does not decrypt with ENCRYPTION_KEY`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(plaintext);
  } catch {
    // The key is right; what was stored under it is not a secret document.
    throw new BadRecordError(
      `Cannot open credential "${row.label}": its secret decrypts but is not a JSON document`,
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
  const quotas = resolveQuotas(adapter.spec, row, vendorConfig);
  const pacer = await credentialPacer(row.id, quotas, adapter.spec.source, o);
  const current = () => tokens?.secret ?? secret;
  const gate = o.store ? gateFor(o.store) : undefined;
  // Budget windows are counted on the run's clock, the one the database's `now()` follows.
  const clock = () => o.now().getTime();
  // Budgets learnt from the vendor's headers join the configured ones (SolarEdge's minute).
  let learnt: QuotaBudget | undefined;
  const budgets = () => learnt ? [...quotas.budgets, learnt] : quotas.budgets;
  const observe = async (headers: Headers) => {
    const limit = Number(headers.get("x-ratelimit-limit-minute"));
    const remaining = headers.get("x-ratelimit-remaining-minute");
    if (!gate || !(limit > 0) || remaining === null || !(Number(remaining) >= 0)) return;
    if (learnt?.limit !== limit) {
      learnt = {
        scope: quotas.headerScope,
        period: "minute",
        limit,
        credential_id: row.id,
      };
    }
    await gate.observe(learnt, Number(remaining), clock());
  };
  // The token is checked again after the gate's wait: an SMA token lives 300 s, and a full
  // 5-minute window can outlast it, which would otherwise cost a 401 and a repeated call.
  const label = `${adapter.spec.source} for credential "${row.label}"`;
  const beforeAttempt = async () => {
    await gate?.take(budgets(), {
      deadline: o.deadline?.getTime() ?? o.http?.deadline,
      now: clock,
      sleep: o.http?.sleep,
      random: o.http?.random,
      label,
    });
    await tokens?.ensureFresh();
  };
  const attempt = (req: HttpRequest, onAttempt: () => void) =>
    send({
      ...req,
      headers: { accept: "application/json", ...req.headers },
      acceptStatuses: tokens ? [...(req.acceptStatuses ?? []), 401] : req.acceptStatuses,
    }, {
      pacer,
      beforeAttempt,
      onAttempt,
      onResponse: observe,
      authHeaders: () => adapter.authHeaders(current()),
    });
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
 * The pacer counts this invocation's calls in the last 60 s. A limit that is the credential's own
 * (a key's, an account's) is counted over any 60 s by vendors such as GoodWe, and another
 * invocation may have used the credential a moment ago (one holds it at a time, but they take
 * turns): its calls of the last two UTC minutes, as `quota_budgets` recorded them, count too, each
 * as late as it can have been made (the previous minute's at this minute's start, this minute's
 * now), so a takeover never sends more than the limit in any 60 s.
 *
 * A limit learnt from the vendor's headers (SolarEdge's) has no configured budget: it is spent
 * under the header scope once learnt, and is otherwise known only to the pacer that made the
 * calls. So a credential's next job in this worker keeps that pacer, instead of starting empty
 * inside the vendor's still-open window; a pacer new to the worker is seeded from the header
 * scope, and those calls hold it back as soon as its first answer names the limit.
 */
async function credentialPacer(
  credentialId: string,
  quotas: ReturnType<typeof resolveQuotas>,
  source: AdapterSpec["source"],
  o: { store?: BudgetStore; now: () => Date; http?: PacerClock },
): Promise<MinutePacer> {
  const own = o.store && vendorEntry(source).quotaScope !== "app" ? o.store : undefined;
  const minute = quotas.budgets.find((b) => b.period === "minute");
  if (own && minute) {
    const pacer = newPacer(quotas.pacing, o.http);
    await seedFromMinuteUse(pacer, minute.scope, own, o);
    return pacer;
  }
  const { pacer, fresh } = keptPacer(credentialId, quotas.pacing, o);
  if (own && fresh) await seedFromMinuteUse(pacer, quotas.headerScope, own, o);
  return pacer;
}

async function seedFromMinuteUse(
  pacer: MinutePacer,
  scope: string,
  store: BudgetStore,
  o: { now: () => Date; http?: { now?: () => number } },
): Promise<void> {
  const use = await store.minuteUse(scope);
  // The budget's minutes are the run clock's (the database's); the pacer keeps its own clock.
  const pacerNow = (o.http?.now ?? Date.now)();
  pacer.seed(use.previous, pacerNow - (o.now().getTime() % 60_000));
  pacer.seed(use.current, pacerNow);
}

type Pacing = ReturnType<typeof resolveQuotas>["pacing"];
type PacerClock = { now?: () => number; sleep?: (ms: number) => Promise<void> };

function newPacer(pacing: Pacing, http?: PacerClock): MinutePacer {
  return new MinutePacer({ ...pacing, now: http?.now, sleep: http?.sleep });
}

const pacers = new WeakMap<
  BudgetStore,
  Map<string, { pacer: MinutePacer; pacing: string; clock?: PacerClock["now"] }>
>();

/** The pacer a credential's last job in this worker used (one per store), or a new one. */
function keptPacer(
  credentialId: string,
  pacing: Pacing,
  o: { store?: BudgetStore; http?: PacerClock },
): { pacer: MinutePacer; fresh: boolean } {
  if (!o.store) return { pacer: newPacer(pacing, o.http), fresh: true };
  let byCredential = pacers.get(o.store);
  if (!byCredential) pacers.set(o.store, byCredential = new Map());
  const key = JSON.stringify(pacing);
  const held = byCredential.get(credentialId);
  if (held && held.pacing === key && held.clock === o.http?.now) {
    held.pacer.reopen();
    return { pacer: held.pacer, fresh: false };
  }
  const pacer = newPacer(pacing, o.http);
  byCredential.set(credentialId, { pacer, pacing: key, clock: o.http?.now });
  return { pacer, fresh: true };
}

const gates = new WeakMap<BudgetStore, QuotaGate>();

/** One gate per store: the invocations of one worker share what it has reserved ahead. */
function gateFor(store: BudgetStore): QuotaGate {
  let gate = gates.get(store);
  if (!gate) gates.set(store, gate = new QuotaGate(store));
  return gate;
}
