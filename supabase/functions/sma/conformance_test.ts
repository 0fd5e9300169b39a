import assert from "node:assert/strict";
import { adapterConformance } from "../../../shared/testing/adapter_conformance.ts";
import { simContext } from "../../../shared/testing/sim_context.ts";
import { sma } from "./adapter.ts";
import { BASE, OWNER, setupSma, VENDOR } from "../../../shared/testing/sma_sim.ts";

const NOW = "2026-06-15T14:07:00Z";

adapterConformance("SMA", {
  adapter: sma,
  async world() {
    const { sim, connect } = setupSma({ now: NOW });
    const secret = await connect();
    const { ctx } = await simContext(sma, secret, {
      handler: sim.handler,
      baseUrl: BASE,
      vendorConfig: VENDOR,
      now: new Date(NOW),
    });
    return {
      ctx,
      site: { vendorSiteId: OWNER.plants[0].plantId, timezone: "Europe/Berlin" },
      window: { from: new Date("2026-06-15T08:00:00Z"), to: new Date("2026-06-15T12:00:00Z") },
      sensitive: [secret.accessToken, secret.refreshToken!, VENDOR.SMA_CLIENT_SECRET],
      fault: (kind, count) => sim.addFault({ kind, count }),
      calls: () => sim.requests().count,
    };
  },
  async rejected() {
    const { sim, connect } = setupSma({ now: NOW });
    const secret = await connect();
    sim.revokeOwner(OWNER.email);
    // An expired access token makes the core renew, which the revoked grant refuses.
    const expired = { ...secret, expiresAt: new Date(0).toISOString() };
    return (await simContext(sma, expired, {
      handler: sim.handler,
      baseUrl: BASE,
      vendorConfig: VENDOR,
      now: new Date(NOW),
    })).ctx;
  },
});

Deno.test("the core's 5-minute pacer counts the PowerAc calls: a full window waits, no 429", async () => {
  let simNow = () => new Date(NOW);
  const { sim, connect } = setupSma({ now: NOW, perFiveMinutes: 5, simClock: () => simNow() });
  // SMA's access token lives 300 s, from the simulator's clock.
  const secret = {
    ...await connect(),
    expiresAt: new Date(Date.parse(NOW) + 300_000).toISOString(),
  };
  const { ctx } = await simContext(sma, secret, {
    handler: sim.handler,
    baseUrl: BASE,
    vendorConfig: VENDOR,
    now: new Date(NOW),
    plan: { perFiveMinutes: 5 },
  });
  // The simulator's window moves with the core's clock, which the pacer's sleeps advance.
  simNow = ctx.now;
  sim.resetRequests();
  const started = ctx.now().getTime();
  await sma.fetchSitesList(ctx);
  // One device list and, per inverter, EnergyAndPowerPv and PowerAc: six calls for a window of 5.
  const data = await sma.fetchSiteData(
    ctx,
    { vendorSiteId: OWNER.plants[0].plantId, timezone: "Europe/Berlin" },
    { from: new Date("2026-06-15T10:00:00Z"), to: new Date("2026-06-15T11:00:00Z") },
  );
  const monitoring = sim.requests().paths.filter((p) => p.startsWith("/v1/"));
  assert.equal(monitoring.length, 6, "no attempt was refused and repeated");
  assert.equal(monitoring.filter((p) => p.includes("/PowerAc/")).length, 2);
  assert.ok(ctx.now().getTime() - started >= 300_000, "the sixth call waited for the window");
  assert.equal(data.readings.filter((r) => r.metric === "power_w").length, 24);
  // The shared budget spends half of SMA's 5 calls per UTC-aligned window (its windows' alignment
  // is unpublished), so the calls went 2, 2 and 2 at 14:07, 14:10 and 14:15. The 300 s token ran
  // out during the second wait: it was renewed before the fifth call was sent, not after a 401
  // that would have repeated it.
  assert.ok(ctx.now().getTime() - started >= 480_000, "two waits, to 14:10 and to 14:15");
  const paths = sim.requests().paths;
  assert.equal(paths.filter((p) => p.includes("token")).length, 1, paths.join(" "));
  assert.ok(paths.indexOf(paths.find((p) => p.includes("token"))!) === paths.length - 3);
});
