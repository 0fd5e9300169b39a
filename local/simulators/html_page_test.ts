import assert from "node:assert/strict";
import { escapeHtml, hiddenInputs, htmlPage } from "./html_page.ts";

Deno.test("htmlPage answers HTML with the vendor's title and the status", async () => {
  const res = htmlPage("SolarEdge Connect", 400, "<p>no</p>");
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await res.text(), /<title>SolarEdge Connect \(simulator\)<\/title>.*<p>no<\/p>/);
});

Deno.test("hiddenInputs carries the query back escaped, without the skipped names", () => {
  const url = new URL('http://sim/authorize?state=a"b&deny=1&client_id=<x>');
  assert.equal(
    hiddenInputs(url, ["deny"]),
    '<input type="hidden" name="state" value="a&#34;b">' +
      '<input type="hidden" name="client_id" value="&#60;x&#62;">',
  );
  assert.equal(escapeHtml("'&"), "&#39;&#38;");
});
