// Test fixture: keeps allocating arrays and never lets them go: 8 MB at a time in one loop, or,
// with `?marker=<file>`, 2 MB every 5 ms, so it can see `beforeunload`, whose reason it writes
// there.
const kept: number[][] = [];

export default {
  async fetch(req: Request): Promise<Response> {
    const marker = new URL(req.url).searchParams.get("marker");
    if (!marker) { for (;;) kept.push(new Array(1_000_000).fill(kept.length + 0.5)); }
    addEventListener("beforeunload", (event) => {
      Deno.writeTextFileSync(marker, (event as CustomEvent<{ reason: string }>).detail.reason);
    });
    for (;;) {
      kept.push(new Array(250_000).fill(kept.length + 0.5));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  },
};
