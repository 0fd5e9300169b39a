// Test fixture: burns `?ms=` milliseconds of CPU, then answers. With `?marker=<file>` it burns in
// 20 ms slices and yields between them, so it can see `beforeunload`, whose reason it writes there.
export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const ms = Number(url.searchParams.get("ms") ?? "0");
    const marker = url.searchParams.get("marker");
    if (marker) {
      addEventListener("beforeunload", (event) => {
        Deno.writeTextFileSync(marker, (event as CustomEvent<{ reason: string }>).detail.reason);
      });
    }
    const until = performance.now() + ms;
    let n = 0;
    while (performance.now() < until) {
      const slice = marker ? Math.min(until, performance.now() + 20) : until;
      while (performance.now() < slice) n++;
      if (marker) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return Response.json({ spins: n });
  },
};
