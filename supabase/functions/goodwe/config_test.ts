import assert from "node:assert/strict";
import { goodweConfig } from "./config.ts";
import { VendorConfigError } from "../../../shared/errors.ts";

Deno.test("goodweConfig defaults to SEMS+ login and a 300 s pause after GY0429", () => {
  assert.deepEqual(goodweConfig({}), {
    loginUrl: "https://semsplus.goodwe.com",
    loginUrls: {
      global: "https://semsplus.goodwe.com",
      eu: "https://eu-semsplus.goodwe.com",
      cn: "https://cn-semsplus.goodwe.com",
    },
    region: "auto",
    legacyLoginUrl: "https://www.semsportal.com",
    logins: ["semsplus"],
    backoffMs: 300_000,
  });
});

Deno.test("goodweConfig reads hosts, the login order and the backoff", () => {
  const config = goodweConfig({
    GOODWE_LOGIN_URL: "http://127.0.0.1:54334/",
    GOODWE_LEGACY_LOGIN_URL: " http://127.0.0.1:54334 ",
    GOODWE_LOGIN_URL_EU: "http://127.0.0.1:54334/eu-semsplus/",
    GOODWE_LOGIN_URL_CN: "http://127.0.0.1:54334/cn-semsplus",
    GOODWE_REGION: " EU ",
    GOODWE_LOGIN: "Legacy, semsplus",
    GOODWE_RATE_LIMIT_BACKOFF_SECONDS: "120",
  });
  assert.deepEqual(config, {
    loginUrl: "http://127.0.0.1:54334",
    loginUrls: {
      global: "http://127.0.0.1:54334",
      eu: "http://127.0.0.1:54334/eu-semsplus",
      cn: "http://127.0.0.1:54334/cn-semsplus",
    },
    region: "eu",
    legacyLoginUrl: "http://127.0.0.1:54334",
    logins: ["legacy", "semsplus"],
    backoffMs: 120_000,
  });
});

Deno.test("goodweConfig names the variable whose value it cannot use", () => {
  const bad = (vendor: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => goodweConfig(vendor),
      (e: unknown) => e instanceof VendorConfigError && message.test(e.message),
    );
  bad({ GOODWE_LOGIN: "sems+" }, /^Cannot use GOODWE_LOGIN: expected semsplus, legacy/);
  bad({ GOODWE_LOGIN: "semsplus,," }, /GOODWE_LOGIN/);
  bad(
    { GOODWE_REGION: "us" },
    /^Cannot use GOODWE_REGION: expected auto, global, eu or cn, got us$/,
  );
  bad({ GOODWE_LOGIN_URL_CN: "cn-semsplus" }, /^Cannot use GOODWE_LOGIN_URL_CN: .* not a URL$/);
  bad({ GOODWE_LOGIN_URL: "semsplus.goodwe.com" }, /^Cannot use GOODWE_LOGIN_URL: .* not a URL$/);
  bad({ GOODWE_LEGACY_LOGIN_URL: "ftp://x" }, /GOODWE_LEGACY_LOGIN_URL: .* not an http\(s\) URL/);
  bad({ GOODWE_RATE_LIMIT_BACKOFF_SECONDS: "5m" }, /GOODWE_RATE_LIMIT_BACKOFF_SECONDS/);
  bad({ GOODWE_RATE_LIMIT_BACKOFF_SECONDS: "0" }, /whole number of seconds/);
});
