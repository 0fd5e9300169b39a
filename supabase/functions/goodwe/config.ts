/**
 * GoodWe's app-level settings (all optional) read from the vendor config, checked once so that a
 * typo fails the run with the variable's name instead of as a puzzling login error later.
 */
import { VendorConfigError } from "../../../shared/errors.ts";
import type { VendorConfig } from "../../../shared/types.ts";

export type LoginVariant = "semsplus" | "legacy";

/**
 * The SEMS+ login hosts (vendors.md "Corrections, December 2026"): `semsplus.goodwe.com` (global),
 * `eu-semsplus.goodwe.com` for EU accounts and `cn-semsplus.goodwe.com` for CN accounts.
 */
export type LoginRegion = "global" | "eu" | "cn";
export const LOGIN_REGIONS: readonly LoginRegion[] = ["global", "eu", "cn"];

export interface GoodWeConfig {
  /** Global SEMS+ login host (`GOODWE_LOGIN_URL`), without a trailing slash. */
  loginUrl: string;
  /** SEMS+ login host per region (`GOODWE_LOGIN_URL`, `_EU`, `_CN`), without a trailing slash. */
  loginUrls: Record<LoginRegion, string>;
  /**
   * `GOODWE_REGION`: the SEMS+ host of credentials whose document names no `region`; `auto` (the
   * default) tries global, then eu (see login.ts).
   */
  region: LoginRegion | "auto";
  /** Classic SEMS portal login host (`GOODWE_LEGACY_LOGIN_URL`), without a trailing slash. */
  legacyLoginUrl: string;
  /** `GOODWE_LOGIN`: the login variants to try, in order. */
  logins: LoginVariant[];
  /** `GOODWE_RATE_LIMIT_BACKOFF_SECONDS` in ms: how long to leave the account alone after GY0429. */
  backoffMs: number;
}

export const DEFAULT_LOGIN_URL = "https://semsplus.goodwe.com";
export const DEFAULT_EU_LOGIN_URL = "https://eu-semsplus.goodwe.com";
export const DEFAULT_CN_LOGIN_URL = "https://cn-semsplus.goodwe.com";
export const DEFAULT_LEGACY_LOGIN_URL = "https://www.semsportal.com";
// What the SEMS Home Assistant integration waits after GY0429 (vendors.md §4.2).
const DEFAULT_BACKOFF_SECONDS = 300;

export function goodweConfig(vendor: VendorConfig): GoodWeConfig {
  const loginUrl = baseUrl(vendor, "GOODWE_LOGIN_URL", DEFAULT_LOGIN_URL);
  return {
    loginUrl,
    loginUrls: {
      global: loginUrl,
      eu: baseUrl(vendor, "GOODWE_LOGIN_URL_EU", DEFAULT_EU_LOGIN_URL),
      cn: baseUrl(vendor, "GOODWE_LOGIN_URL_CN", DEFAULT_CN_LOGIN_URL),
    },
    region: regionSetting(vendor.GOODWE_REGION),
    legacyLoginUrl: baseUrl(vendor, "GOODWE_LEGACY_LOGIN_URL", DEFAULT_LEGACY_LOGIN_URL),
    logins: loginOrder(vendor.GOODWE_LOGIN),
    backoffMs: backoffSeconds(vendor.GOODWE_RATE_LIMIT_BACKOFF_SECONDS) * 1000,
  };
}

function baseUrl(vendor: VendorConfig, name: string, fallback: string): string {
  const raw = vendor[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VendorConfigError(`Cannot use ${name}: ${raw} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new VendorConfigError(`Cannot use ${name}: ${raw} is not an http(s) URL`);
  }
  return raw.replace(/\/+$/, "");
}

function loginOrder(raw: string | undefined): LoginVariant[] {
  const names = (raw?.trim() || "semsplus").split(",").map((s) => s.trim().toLowerCase());
  const order: LoginVariant[] = [];
  for (const name of names) {
    if (name !== "semsplus" && name !== "legacy") {
      throw new VendorConfigError(
        `Cannot use GOODWE_LOGIN: expected semsplus, legacy or semsplus,legacy, got ${raw}`,
      );
    }
    if (!order.includes(name)) order.push(name);
  }
  return order;
}

function regionSetting(raw: string | undefined): LoginRegion | "auto" {
  const name = raw?.trim().toLowerCase() || "auto";
  if (name === "auto" || (LOGIN_REGIONS as readonly string[]).includes(name)) {
    return name as LoginRegion | "auto";
  }
  throw new VendorConfigError(
    `Cannot use GOODWE_REGION: expected auto, global, eu or cn, got ${raw}`,
  );
}

function backoffSeconds(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_BACKOFF_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new VendorConfigError(
      `Cannot use GOODWE_RATE_LIMIT_BACKOFF_SECONDS: expected a whole number of seconds, got ${raw}`,
    );
  }
  return n;
}
