/**
 * The GoodWe logins (vendors.md §4.1 and "Corrections, December 2026"). SEMS+ cross-login wants
 * `pwd` = base64(md5_hex(password)) and, to hand out a working token, `agreement: 1`,
 * `isLocal: false` and `isChinese` false on the global and EU hosts, true on the CN host (#183,
 * #193); the classic CrossLogin wants the plain password on `/api/v3` (v2 answers 100000 "ver is
 * not fund", #189). They answer the session's `data` and the regional `api`, here this server's
 * own origin plus a region prefix, so a client that ignores `api` is caught. Which answer a SEMS+
 * host gives an account it does not know is undocumented: the simulator answers 100005, as for a
 * wrong password (an unverified assumption; #183 reports "Invalid authentication" for a CN account
 * on the global host).
 */
import { createHash } from "node:crypto";
import type { SimAccount } from "./goodwe.ts";
import {
  BAD_PASSWORD,
  PARAMETER_ERROR,
  portalError,
  semsError,
  semsPlusError,
  VERSION_NOT_FOUND,
} from "./goodwe_answer.ts";
import type { SessionStore } from "./goodwe_sessions.ts";

export type LoginVariant = "semsplus" | "semsplus-eu" | "semsplus-cn" | "legacy" | "legacy-v2";

const CROSS_LOGIN = "/web/sems/sems-user/api/v1/auth/cross-login";
export const LOGIN_PATHS: Readonly<Record<string, LoginVariant>> = {
  [CROSS_LOGIN]: "semsplus",
  // Path prefixes standing in for eu-semsplus.goodwe.com and cn-semsplus.goodwe.com.
  [`/eu-semsplus${CROSS_LOGIN}`]: "semsplus-eu",
  [`/cn-semsplus${CROSS_LOGIN}`]: "semsplus-cn",
  "/api/v2/Common/CrossLogin": "legacy-v2",
  "/api/v3/Common/CrossLogin": "legacy",
};

const HOST_OF: Record<string, "global" | "eu" | "cn"> = {
  semsplus: "global",
  "semsplus-eu": "eu",
  "semsplus-cn": "cn",
};

export interface LoginContext {
  sessions: SessionStore;
  /** This server's origin as the client reached it, e.g. `http://127.0.0.1:54334`. */
  origin: string;
  nowMs: number;
}

export function loginResponse(
  variant: LoginVariant,
  account: SimAccount | undefined,
  body: unknown,
  ctx: LoginContext,
): Response {
  // The retired v2 path answers every request alike (#189).
  if (variant === "legacy-v2") return portalError(VERSION_NOT_FOUND);
  const host = HOST_OF[variant];
  const b = body as Record<string, unknown> | undefined;
  if (!b || typeof b.account !== "string" || typeof b.pwd !== "string") {
    return host ? semsPlusError(PARAMETER_ERROR) : semsError(PARAMETER_ERROR);
  }
  // Some accounts got 100004 from SEMS+ in September 2026 while the classic login still worked.
  if (host && account?.semsPlusLogin === "parameter-error") {
    return semsPlusError(PARAMETER_ERROR);
  }
  // The CN host wants isChinese true; what it answers without is not known: 100004 here.
  if (host === "cn" && b.isChinese !== true) return semsPlusError(PARAMETER_ERROR);
  const expected = account &&
    (host ? semsPlusPassword(account.password) : account.password);
  if (!account || b.pwd !== expected) return semsError(BAD_PASSWORD);
  if (host && host !== (account.loginHost ?? "global")) return semsError(BAD_PASSWORD);
  const region = account.region ?? "eu";
  if (!host && account.legacyLogin === "no-token") {
    // Success whose data holds no token, as #213 tabulates for the classic login.
    return Response.json({
      language: "en",
      hasError: false,
      msg: "Successful",
      code: "0",
      data: { agreement_agreement: 0 },
      api: `${ctx.origin}/${region}/api/`,
    });
  }
  const usable = !host ||
    (b.agreement === 1 && b.isChinese === (host === "cn") && b.isLocal === false);
  const session = ctx.sessions.issue(account.account, region, usable, ctx.nowMs);
  const api = `${ctx.origin}/${region}/api/`;
  if (!host) {
    // The shape of the captured classic answer (fixtures/vendors/goodwe/crosslogin_ok.json).
    return Response.json({
      language: "en",
      function: ["ADD", "VIEW", "EDIT", "DELETE"],
      hasError: false,
      msg: "操作成功",
      code: "0",
      data: session.data,
      api,
    });
  }
  return Response.json({
    code: "00000",
    description: "成功",
    traceId: crypto.randomUUID().replaceAll("-", ""),
    data: session.data,
    api,
  });
}

export function semsPlusPassword(password: string): string {
  return btoa(createHash("md5").update(password, "utf8").digest("hex"));
}
