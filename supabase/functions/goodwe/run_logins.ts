/**
 * What this process remembers about GoodWe logins, so that a run logs in at most once per
 * credential. GoodWe answers `100002` right after a fresh login when the account itself is
 * refused (goodwe-sems-home-assistant#216), and every further login only earns `GY0429`
 * (vendors.md "Corrections, December 2026"): a run that already logged in must not log in again.
 *
 * A run is recognised by its token call: the core builds one per credential each time it opens
 * the credential for a run (shared/credential_context.ts), and hands that same function to every
 * renewal of the run. A session stays "unproven" from its login until a call made with it
 * succeeds; an unproven session refused with 100001/100002 is the account being refused, not an
 * expiry. Both records live in memory only: another process logs in on its own.
 */
import type { TokenCall } from "../../../shared/types.ts";

export type RunLogin = { token: string } | { error: Error };

const runs = new WeakMap<TokenCall, RunLogin>();
// Session header JSON -> when it was issued (ms), until a call with it succeeds.
const unproven = new Map<string, number>();
const UNPROVEN_KEEP_MS = 30 * 60_000;
const UNPROVEN_MAX = 1000;

/** The login this run already made (its session or its failure), if any. */
export function loginOfRun(call: TokenCall): RunLogin | undefined {
  return runs.get(call);
}

export function noteLogin(call: TokenCall, outcome: RunLogin, nowMs = Date.now()): void {
  runs.set(call, outcome);
  if (!("token" in outcome)) return;
  for (const [token, at] of unproven) {
    if (unproven.size < UNPROVEN_MAX && nowMs - at < UNPROVEN_KEEP_MS) break;
    unproven.delete(token);
  }
  unproven.set(outcome.token, nowMs);
}

/** A call made with this session succeeded: it is a working session from now on. */
export function noteSessionWorks(token: string): void {
  unproven.delete(token);
}

/** Issued by a login of this process and not yet answered successfully even once. */
export function isUnproven(token: string | undefined, nowMs = Date.now()): boolean {
  const at = token === undefined ? undefined : unproven.get(token);
  return at !== undefined && nowMs - at < UNPROVEN_KEEP_MS;
}
