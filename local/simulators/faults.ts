/**
 * The fault store every vendor simulator shares: `/_sim/faults` adds a fault, and the next `count`
 * requests it matches (by caller, by path, and by whatever the vendor adds) fail as that fault
 * says. The vendor names its kinds and its caller field (an API key, a client id, an account); what
 * each kind answers is the vendor's (see fault_answers.ts).
 */

export interface Fault {
  kind: string;
  count: number;
  /** Only requests whose path contains this text. */
  path?: string;
}

export interface FiredFault<F extends Fault = Fault> {
  fault: F;
  /** 0 for the first request this fault hit, 1 for the second, ... */
  firing: number;
}

export interface FaultStore<F extends Fault> {
  add(fault: F): void;
  clear(): void;
  /** Consumes one use of the first fault matching the request, if any. */
  take(caller: string | undefined, path: string): FiredFault<F> | undefined;
  /** How many requests a fault has failed since the simulator started, cleared ones included. */
  fired(): number;
}

/** The optional text fields of a fault, such as `path` and the caller field. */
export type TextField<F> =
  & { [K in keyof F]-?: NonNullable<F[K]> extends string ? K : never }[keyof F]
  & string;

export interface FaultRules<F extends Fault> {
  /** Every kind, in the order the error for an unknown kind lists them. */
  kinds: readonly F["kind"][];
  /** The field that limits a fault to one caller's requests; any caller when it is omitted. */
  caller: TextField<F>;
  /** The optional text fields, the caller and `path` among them, in the order they are checked. */
  texts: readonly TextField<F>[];
  /** Checks and keeps the vendor's other fields; throws a TypeError for a bad one. */
  more?: (input: F) => Partial<F>;
  /** Whether a fault can fire on this path at all, beyond its own `path`. */
  fires?: (fault: F, path: string) => boolean;
}

export function createFaultStore<F extends Fault>(rules: FaultRules<F>): FaultStore<F> {
  let faults: { fault: F; left: number; fired: number }[] = [];
  let total = 0;
  return {
    fired: () => total,
    add(fault) {
      faults.push({ fault: validFault(fault, rules), left: fault.count, fired: 0 });
    },
    clear() {
      faults = [];
    },
    take(caller, path) {
      const hit = faults.find(({ fault }) =>
        (fault[rules.caller] === undefined || fault[rules.caller] === caller) &&
        (fault.path === undefined || path.includes(fault.path)) &&
        (rules.fires === undefined || rules.fires(fault, path))
      );
      if (!hit) return undefined;
      if (--hit.left === 0) faults = faults.filter((f) => f !== hit);
      total++;
      return { fault: hit.fault, firing: hit.fired++ };
    },
  };
}

/** A copy of the fault with only the fields the rules know, or a TypeError naming the bad one. */
function validFault<F extends Fault>(input: F, rules: FaultRules<F>): F {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Cannot add fault: the body must be a JSON object");
  }
  const { kind, count } = input;
  if (!rules.kinds.includes(kind)) {
    throw new TypeError(`Cannot add fault: kind must be one of ${rules.kinds.join(", ")}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError("Cannot add fault: count must be a positive integer");
  }
  const valid: Partial<F> = { kind, count } as Partial<F>;
  for (const key of rules.texts) {
    const value = input[key];
    if (value !== undefined && typeof value !== "string") {
      throw new TypeError(`Cannot add fault: ${key} must be a string`);
    }
    valid[key] = value;
  }
  return { ...valid, ...rules.more?.(input) } as F;
}
