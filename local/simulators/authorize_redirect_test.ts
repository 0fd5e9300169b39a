import assert from "node:assert/strict";
import { redirectBack, redirectTarget } from "./authorize_redirect.ts";

Deno.test("redirectBack carries the outcome and the client's state to the redirect URI", () => {
  const target = redirectTarget("https://app.example/cb?x=1", "Vendor") as URL;
  const res = redirectBack(target, "s-1", { code: "c" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://app.example/cb?x=1&code=c&state=s-1");
  // The target itself is left as it was for the next answer.
  assert.equal(target.href, "https://app.example/cb?x=1");
});

Deno.test("redirectTarget answers an error page for a redirect URI that is not absolute", async () => {
  const res = redirectTarget("/relative", "Vendor");
  assert.ok(res instanceof Response);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /redirect_uri is not an absolute URL/);
});
