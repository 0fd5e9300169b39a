// Test fixture: burns `?ms=` milliseconds of CPU in one synchronous loop, then answers.
export default {
  fetch(req: Request): Response {
    const ms = Number(new URL(req.url).searchParams.get("ms") ?? "0");
    const until = performance.now() + ms;
    let n = 0;
    while (performance.now() < until) n++;
    return Response.json({ spins: n });
  },
};
