/**
 * The HTML the simulated authorize pages answer with: a vendor's login and consent screen stands
 * in for a browser page, so the connect flows can be clicked through by hand as well as by tests.
 */

/** A page titled after the simulated vendor. */
export function htmlPage(title: string, status: number, body: string): Response {
  const html = `<!doctype html><html><head><title>${escapeHtml(title)} (simulator)</title></head>` +
    `<body>${body}</body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The request's query parameters as hidden inputs, so a consent form posts them back. */
export function hiddenInputs(url: URL, skip: readonly string[] = []): string {
  return [...url.searchParams]
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
}
