/**
 * GoodWe's answer bodies. Every answer, success or error, is HTTP 200 with a `code` (vendors.md
 * §4.2); the classic API wraps `data` in `{hasError, code, msg}`, SEMS+ errors use
 * `{code, translationCode, description, errorMsg, traceId}`.
 */
export const NOT_LOGGED_IN = { code: 100001, msg: "No access, please log in." } as const;
export const EXPIRED = {
  code: 100002,
  msg: "The authorization has expired, please log in again.",
} as const;
export const PARAMETER_ERROR = { code: 100004, msg: "parameter error." } as const;
export const BAD_PASSWORD = { code: 100005, msg: "Email or password error." } as const;
export const RATE_LIMITED = { code: "GY0429", msg: "Too many requests" } as const;
/** What the retired `/api/v2/Common/CrossLogin` answers (goodwe-sems-home-assistant#189). */
export const VERSION_NOT_FOUND = { code: "100000", msg: "ver is not fund" } as const;

export function semsData(data: unknown, code: number | string = 0): Response {
  // "操作成功" ("operation succeeded") is what the captured answers say, whatever the language.
  return Response.json({ hasError: false, code, msg: "操作成功", data });
}

export function semsError(error: { code: number | string; msg: string }): Response {
  return Response.json({ hasError: true, code: error.code, msg: error.msg, data: null });
}

/** The classic portal's error envelope with its `components`, as #189 shows for v2 CrossLogin. */
export function portalError(error: { code: number | string; msg: string }): Response {
  return Response.json({
    language: "zh_CN",
    function: null,
    hasError: true,
    msg: error.msg,
    code: error.code,
    data: null,
    components: { para: null, langVer: 306, timeSpan: 0, msgSocketAdr: null },
  });
}

/**
 * SEMS+'s error shape, as logged for `100004 parameter error.` in goodwe-sems-home-assistant#216:
 * `{code: "100004", translationCode: "parameter_error", description, errorMsg, traceId}`.
 */
export function semsPlusError(error: { code: number | string; msg: string }): Response {
  return Response.json({
    code: String(error.code),
    translationCode: error.msg.replace(/[.。]+$/, "").replaceAll(" ", "_").toLowerCase(),
    description: error.msg,
    errorMsg: error.msg,
    traceId: crypto.randomUUID().replaceAll("-", ""),
  });
}
