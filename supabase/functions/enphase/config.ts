/**
 * The app's Enphase settings from the vendor config, read at the call that needs them so that a
 * missing one names itself before any request goes out.
 */
import { VendorConfigError } from "../../../shared/errors.ts";
import type { VendorConfig } from "../../../shared/types.ts";

// The host of /oauth/authorize and /oauth/token unless ENPHASE_AUTH_URL says otherwise.
const DEFAULT_AUTH_URL = "https://api.enphaseenergy.com";

export function required(vendor: VendorConfig, name: string): string {
  const value = vendor[name];
  if (!value) throw new VendorConfigError(`Cannot call Enphase: ${name} is not set`);
  return value;
}

export function authUrl(vendor: VendorConfig): string {
  return (vendor.ENPHASE_AUTH_URL || DEFAULT_AUTH_URL).replace(/\/+$/, "");
}
