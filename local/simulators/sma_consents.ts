/**
 * Backchannel consents of the SMA simulator: one per client and owner e-mail, in the states SMA
 * reports, spelt as SMA spells them: capitalised (vendors.md "Corrections, December 2026", SMA:
 * `Pending` and `Accepted` in four public clients and the sandbox's `PUT {"state":"Accepted"}`;
 * `Rejected`, `Expired` and `Revoked` by the same convention, not seen on the wire). How long a
 * request stays pending is not published; the simulator lets it expire after a day.
 */
export type ConsentState = "Pending" | "Accepted" | "Rejected" | "Expired" | "Revoked";

export const CONSENT_STATES: readonly ConsentState[] = [
  "Pending",
  "Accepted",
  "Rejected",
  "Expired",
  "Revoked",
];

export const PENDING_MS = 86_400_000;

interface Consent {
  clientId: string;
  email: string;
  state: ConsentState;
  since: number;
}

export function createConsentStore(now: () => number) {
  const consents = new Map<string, Consent>();
  const key = (clientId: string, email: string) => `${clientId}\n${email}`;
  const current = (clientId: string, email: string) => {
    const found = consents.get(key(clientId, email));
    if (found?.state === "Pending" && now() - found.since >= PENDING_MS) found.state = "Expired";
    return found;
  };
  return {
    /** Asks again unless a request is pending or granted; `created` says whether it asked. */
    request(clientId: string, email: string): { created: boolean; state: ConsentState } {
      const found = current(clientId, email);
      if (found && (found.state === "Pending" || found.state === "Accepted")) {
        return { created: false, state: found.state };
      }
      consents.set(key(clientId, email), { clientId, email, state: "Pending", since: now() });
      return { created: true, state: "Pending" };
    },
    state: (clientId: string, email: string) => current(clientId, email)?.state,
    /** The sandbox switch; false when no request exists for the pair. */
    set(clientId: string, email: string, state: ConsentState): boolean {
      const found = current(clientId, email);
      if (!found) return false;
      found.state = state;
      found.since = now();
      return true;
    },
    revokeOwner(email: string) {
      for (const c of consents.values()) {
        if (c.email === email && (c.state === "Accepted" || c.state === "Pending")) {
          c.state = "Revoked";
        }
      }
    },
    acceptedOwners(clientId: string): string[] {
      return [...consents.values()]
        .filter((c) =>
          c.clientId === clientId && current(c.clientId, c.email)?.state === "Accepted"
        )
        .map((c) => c.email);
    },
  };
}

export type ConsentStore = ReturnType<typeof createConsentStore>;
