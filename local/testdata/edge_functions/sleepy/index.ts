// Test fixture: answers 202 at once and waits `?ms=` in EdgeRuntime.waitUntil; on beforeunload it
// writes the shutdown reason to the file named by `?marker=`.
declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void };

export default {
  fetch(req: Request): Response {
    const url = new URL(req.url);
    const ms = Number(url.searchParams.get("ms") ?? "0");
    const marker = url.searchParams.get("marker");
    if (marker) {
      addEventListener("beforeunload", (event) => {
        const reason = (event as CustomEvent<{ reason: string }>).detail?.reason ?? "none";
        Deno.writeTextFileSync(marker, reason);
      });
    }
    EdgeRuntime.waitUntil(new Promise((resolve) => setTimeout(resolve, ms)));
    return Response.json({ status: "accepted" }, { status: 202 });
  },
};
