/**
 * The vendors this service syncs: the one list the other layers derive from (`Source`, each
 * vendor's settings and quota scope, the local stack's simulators and probes, the demo, the bench
 * and the CLIs). Adding a vendor adds its entry here, its folder under `supabase/functions/`, its
 * `[functions.<source>]` block in `config.toml`, one migration that registers it in the database
 * (`private.register_vendor`), and its rows in the README; the type checker and
 * `vendors_test.ts` name whatever else is missing.
 */
export interface VendorEntry {
  /** How operators and messages name it. */
  name: string;
  /** The variable that points its adapter at another host (a simulator, a region). */
  baseUrlEnv: string;
  /**
   * Whom the vendor counts its quotas for (vendors.md, "Corrections, December 2026"): the
   * developer application, shared by every credential, or one API key, or one account.
   */
  quotaScope: "app" | "key" | "account";
  /** For an application's quota: the variable that names the application. */
  appEnv?: string;
}

export const VENDORS = {
  solaredge: { name: "SolarEdge", baseUrlEnv: "SOLAREDGE_BASE_URL", quotaScope: "key" },
  enphase: {
    name: "Enphase",
    baseUrlEnv: "ENPHASE_BASE_URL",
    quotaScope: "app",
    appEnv: "ENPHASE_CLIENT_ID",
  },
  sma: { name: "SMA", baseUrlEnv: "SMA_BASE_URL", quotaScope: "app", appEnv: "SMA_CLIENT_ID" },
  goodwe: { name: "GoodWe", baseUrlEnv: "GOODWE_LOGIN_URL", quotaScope: "account" },
} as const satisfies Record<string, VendorEntry>;

export type Source = keyof typeof VENDORS;

/** In the registry's order, which is also the order of the stack's start and the demo. */
export const SOURCES = Object.keys(VENDORS) as Source[];

export function isSource(value: unknown): value is Source {
  return typeof value === "string" && Object.hasOwn(VENDORS, value);
}

export function vendorEntry(source: Source): VendorEntry {
  return VENDORS[source];
}
