/**
 * The app's SolarEdge Site Access settings from the vendor config, read at the call that needs
 * them: a Fleet-only deployment (API keys) sets none of them and still boots.
 */
import { VendorConfigError } from "../../../shared/errors.ts";
import type { VendorConfig } from "../../../shared/types.ts";

// vendors.md, Corrections Dec 2026, "Site Access OAuth": the two hosts differ.
const DEFAULT_AUTHORIZE_URL = "https://connect.solaredge.com/authorize";
const DEFAULT_TOKEN_URL = "https://monitoringapi.solaredge.com/v2/oauth2/token";

/** What the connect routes check before they start (501 naming the missing ones). */
export const SITE_ACCESS_CONFIG = ["SOLAREDGE_CLIENT_ID", "SOLAREDGE_CLIENT_SECRET"] as const;

export function required(vendor: VendorConfig, name: string): string {
  const value = vendor[name];
  if (!value) {
    throw new VendorConfigError(
      `Cannot use SolarEdge Site Access: ${name} is not set (only API-key credentials work ` +
        "without it)",
    );
  }
  return value;
}

export function authorizeUrl(vendor: VendorConfig): string {
  return vendor.SOLAREDGE_AUTHORIZE_URL || DEFAULT_AUTHORIZE_URL;
}

export function tokenUrl(vendor: VendorConfig): string {
  return vendor.SOLAREDGE_TOKEN_URL || DEFAULT_TOKEN_URL;
}

/** Months the homeowner's grant lasts: `access_duration`, 1 to 24 (vendors.md); default 24. */
export function accessDuration(vendor: VendorConfig): string {
  const raw = vendor.SOLAREDGE_ACCESS_DURATION;
  if (raw === undefined) return "24";
  if (!/^\d{1,2}$/.test(raw) || Number(raw) < 1 || Number(raw) > 24) {
    throw new VendorConfigError(
      `Cannot use SolarEdge Site Access: SOLAREDGE_ACCESS_DURATION must be 1 to 24 months, not ${raw}`,
    );
  }
  return String(Number(raw));
}
