/**
 * The two GoodWe logins (vendors.md §4.1). SEMS+ cross-login wants `pwd` = base64(md5_hex(password))
 * and, to hand out a working token, `agreement: 1, isChinese: false, isLocal: false`; the classic
 * CrossLogin wants the plain password. Both answer the session's `data` and the regional `api`,
 * here this server's own origin plus a region prefix, so a client that ignores `api` is caught.
 */
import { createHash } from "node:crypto";
import type { SimAccount } from "./goodwe.ts";
import { BAD_PASSWORD, PARAMETER_ERROR, semsError, semsPlusError } from "./goodwe_answer.ts";
import type { SessionStore } from "./goodwe_sessions.ts";

export type LoginVariant = "semsplus" | "legacy";

export const LOGIN_PATHS: Readonly<Record<string, LoginVariant>> = {
  "/web/sems/sems-user/api/v1/auth/cross-login": "semsplus",
  "/api/v2/Common/CrossLogin": "legacy",
  "/api/v3/Common/CrossLogin": "legacy",
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
  const b = body as Record<string, unknown> | undefined;
  if (!b || typeof b.account !== "string" || typeof b.pwd !== "string") {
    return variant === "semsplus" ? semsPlusError(PARAMETER_ERROR) : semsError(PARAMETER_ERROR);
  }
  // Some accounts got 100004 from SEMS+ in September 2026 while the classic login still worked.
  if (variant === "semsplus" && account?.semsPlusLogin === "parameter-error") {
    return semsPlusError(PARAMETER_ERROR);
  }
  const expected = account &&
    (variant === "semsplus" ? semsPlusPassword(account.password) : account.password);
  if (!account || b.pwd !== expected) return semsError(BAD_PASSWORD);
  const region = account.region ?? "eu";
  const usable = variant === "legacy" ||
    (b.agreement === 1 && b.isChinese === false && b.isLocal === false);
  const session = ctx.sessions.issue(account.account, region, usable, ctx.nowMs);
  const api = `${ctx.origin}/${region}/api/`;
  if (variant === "legacy") {
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
