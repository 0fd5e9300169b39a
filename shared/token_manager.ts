/**
 * Keeps one credential's access token usable for OAuth 2.0 and session vendors (ARCHITECTURE §5):
 * renews it near expiry or after the vendor said it expired, one renewal at a time per credential
 * across concurrent invocations (the row lock), re-reading the stored document after the lock so a
 * token another invocation just stored is reused, and committing the rotated document before the
 * new access token is used. A grant the vendor refuses sets `needs_reauth` with its message.
 */
import { FatalCredentialError } from "./errors.ts";
import type { CredentialStore } from "./store.ts";
import type { Adapter, TokenCall, TokenSpec, VendorConfig } from "./types.ts";

export interface TokenManagerOptions<S> {
  adapter: Adapter<S>;
  credentialId: string;
  store: CredentialStore;
  keyring: { encrypt(plain: string): Promise<string>; decrypt(token: string): Promise<string> };
  vendorConfig: VendorConfig;
  call: TokenCall;
  now: () => Date;
  /** Registers new sensitive strings (fresh tokens) with the log redactor. */
  onSecret: (sensitive: string[]) => void;
  /** Test seam: runs after the vendor answered and before the new document is committed. */
  beforeCommit?: () => void | Promise<void>;
}

export class TokenManager<S> {
  #secret: S;
  #o: TokenManagerOptions<S>;
  #spec: TokenSpec<S>;
  #inFlight: Promise<void> | undefined;

  constructor(secret: S, options: TokenManagerOptions<S>) {
    if (!options.adapter.tokens) throw new Error("Cannot manage tokens: the adapter has none");
    this.#secret = secret;
    this.#o = options;
    this.#spec = options.adapter.tokens;
  }

  get secret(): S {
    return this.#secret;
  }

  accessToken(): string | undefined {
    return this.#spec.current(this.#secret).accessToken;
  }

  /** Renews first when there is no token or it expires within the vendor's margin. */
  async ensureFresh(): Promise<void> {
    if (this.#stale(this.#secret)) await this.renew(this.accessToken());
  }

  /**
   * Renews because `used` no longer works. Calls within this process share one renewal; calls
   * from other invocations wait on the row lock and then reuse what was stored.
   */
  async renew(used: string | undefined): Promise<void> {
    if (this.#inFlight) return await this.#inFlight;
    if (used !== this.accessToken()) return;
    this.#inFlight = this.#renewLocked(used).finally(() => (this.#inFlight = undefined));
    return await this.#inFlight;
  }

  async #renewLocked(used: string | undefined): Promise<void> {
    const o = this.#o;
    type Outcome = { secret?: S; fatal?: string };
    const outcome = await o.store.withCredentialLock<Outcome>(o.credentialId, async (row) => {
      if (row.status !== "active") {
        return { kind: "keep", result: { fatal: `Credential is ${row.status}: ${row.label}` } };
      }
      const { secret: latest, sensitive } = o.adapter.parseSecret(
        JSON.parse(await o.keyring.decrypt(row.secret)),
      );
      o.onSecret(sensitive);
      const stored = this.#spec.current(latest).accessToken;
      if (stored !== undefined && stored !== used && !this.#stale(latest)) {
        return { kind: "keep", result: { secret: latest } };
      }
      let next: S;
      try {
        next = await this.#spec.renew(o.call, latest, o.vendorConfig);
      } catch (error) {
        if (!(error instanceof FatalCredentialError)) throw error;
        return { kind: "reauth", reason: error.message, result: { fatal: error.message } };
      }
      o.onSecret(o.adapter.parseSecret(next).sensitive);
      await o.beforeCommit?.();
      const expiresAt = this.#spec.current(next).expiresAt ?? null;
      const token = await o.keyring.encrypt(JSON.stringify(next));
      return { kind: "store", secret: token, expiresAt, result: { secret: next } };
    });
    // The row says needs_reauth already: set in this lock, or by the invocation that held it.
    if (outcome.fatal !== undefined) {
      throw new FatalCredentialError(outcome.fatal, { recorded: true });
    }
    this.#secret = outcome.secret as S;
  }

  #stale(secret: S): boolean {
    const { accessToken, expiresAt } = this.#spec.current(secret);
    if (!accessToken) return true;
    if (!expiresAt) return false;
    const margin = (this.#spec.marginSeconds ?? 300) * 1000;
    return expiresAt.getTime() - this.#o.now().getTime() <= margin;
  }
}
