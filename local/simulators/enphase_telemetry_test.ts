import assert from "node:assert/strict";
import { ALBANY, assertApiError, setupSim, SYDNEY } from "./enphase_testing.ts";

interface Interval {
  end_at: number;
  devices_reporting: number;
  powr?: number;
  enwh?: number;
  wh_del?: number;
}

const NOW_S = Date.parse("2026-06-15T12:00:00Z") / 1000;
const epoch = (iso: string) => Date.parse(iso) / 1000;

async function setup() {
  const s = setupSim();
  const held = await s.connect();
  const telemetry = async (id: number, kind: string, query: Record<string, string | number>) => {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const res = await s.api(`/api/v4/systems/${id}/telemetry/${kind}?${q}`, held.access_token);
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json() as { intervals: Interval[]; [field: string]: unknown };
  };
  const raw = (id: number, kind: string, query: string) =>
    s.api(`/api/v4/systems/${id}/telemetry/${kind}?${query}`, held.access_token);
  return { ...s, telemetry, raw };
}

Deno.test("Enphase sim production_micro for a past day has 288 five-minute intervals", async () => {
  const { telemetry } = await setup();
  const start = NOW_S - 86_400;
  const body = await telemetry(ALBANY.systemId, "production_micro", { start_at: start });
  assert.deepEqual(
    { ...body, intervals: body.intervals.length },
    {
      system_id: ALBANY.systemId,
      granularity: "day",
      total_devices: 16,
      start_at: start,
      end_at: NOW_S,
      items: "intervals",
      intervals: 288,
      meta: {
        status: "normal",
        last_report_at: NOW_S,
        last_energy_at: NOW_S,
        operational_at: 1657080000,
      },
    },
  );
  body.intervals.forEach((iv, i) => {
    assert.equal(iv.end_at, start + 300 * (i + 1));
    assert.equal(iv.devices_reporting, 16);
    assert.equal(iv.powr, iv.enwh! * 12);
  });
});

Deno.test("Enphase sim produces by the system's local sun: zero at night, most at noon", async () => {
  const { telemetry } = await setup();
  const albany = await telemetry(ALBANY.systemId, "production_micro", {
    start_at: epoch("2026-06-14T04:00:00Z"),
  });
  const at = (body: { intervals: Interval[] }, iso: string) =>
    body.intervals.find((iv) => iv.end_at === epoch(iso))!.powr!;
  // Albany midnight to 02:00 (EDT) is night; 13:00 local is near the summer peak of 6.4 kW.
  assert.equal(at(albany, "2026-06-14T05:00:00Z"), 0);
  assert.ok(at(albany, "2026-06-14T17:00:00Z") > 3500);
  // Sydney in June is winter: 22:00 local is dark, 12:00 local is producing.
  const sydney = await telemetry(SYDNEY.systemId, "production_micro", {
    start_at: epoch("2026-06-14T12:00:00Z"),
  });
  assert.equal(at(sydney, "2026-06-14T12:05:00Z"), 0);
  assert.ok(at(sydney, "2026-06-15T02:00:00Z") > 2000);
});

Deno.test("Enphase sim caps intervals per granularity as the Swagger documents", async () => {
  const { telemetry } = await setup();
  const start = NOW_S - 8 * 86_400;
  const counts: Record<string, number[]> = {};
  for (const kind of ["production_micro", "production_meter"]) {
    counts[kind] = [];
    for (const granularity of ["5mins", "15mins", "day", "week"]) {
      const body = await telemetry(ALBANY.systemId, kind, { start_at: start, granularity });
      counts[kind].push(body.intervals.length);
    }
  }
  assert.deepEqual(counts, {
    production_micro: [1, 3, 288, 2016],
    production_meter: [0, 1, 96, 672],
  });
});

Deno.test("Enphase sim ends at min(now, start + span) and reports only ended intervals", async () => {
  const { telemetry, setNow } = await setup();
  setNow("2026-06-15T12:03:20Z");
  const body = await telemetry(ALBANY.systemId, "production_micro", {
    start_at: epoch("2026-06-15T10:58:00Z"),
  });
  assert.equal(body.end_at, epoch("2026-06-15T12:03:20Z"));
  const ends = body.intervals.map((iv) => iv.end_at);
  assert.equal(ends.length, 13);
  assert.equal(ends[0], epoch("2026-06-15T11:00:00Z"));
  assert.equal(ends.at(-1), epoch("2026-06-15T12:00:00Z"));
  const meter = await telemetry(ALBANY.systemId, "production_meter", {
    start_at: epoch("2026-06-15T10:58:00Z"),
  });
  assert.deepEqual(meter.intervals.map((iv) => iv.end_at), [
    epoch("2026-06-15T11:00:00Z"),
    epoch("2026-06-15T11:15:00Z"),
    epoch("2026-06-15T11:30:00Z"),
    epoch("2026-06-15T11:45:00Z"),
    epoch("2026-06-15T12:00:00Z"),
  ]);
  assert.equal(meter.meta, undefined);
});

Deno.test("Enphase sim answers an empty list when start_at is past the last interval", async () => {
  const { telemetry, setNow } = await setup();
  setNow("2026-06-15T12:04:00Z");
  for (const kind of ["production_micro", "production_meter"]) {
    const body = await telemetry(ALBANY.systemId, kind, {
      start_at: epoch("2026-06-15T12:01:00Z"),
    });
    assert.deepEqual(body.intervals, []);
    assert.equal(body.items, "intervals");
  }
});

Deno.test("Enphase sim starts at local midnight today when start_at is omitted", async () => {
  const { telemetry } = await setup();
  const albany = await telemetry(ALBANY.systemId, "production_micro", {});
  assert.equal(albany.start_at, epoch("2026-06-15T04:00:00Z"));
  assert.equal(albany.intervals.length, 8 * 12);
  // At 12:00Z it is already 22:00 on the 15th in Sydney.
  const sydney = await telemetry(SYDNEY.systemId, "production_meter", {});
  assert.equal(sydney.start_at, epoch("2026-06-14T14:00:00Z"));
});

Deno.test("Enphase sim rejects bad, future and too old start_at and bad granularity with 422", async () => {
  const { raw } = await setup();
  const micro = (query: string) => raw(ALBANY.systemId, "production_micro", query);
  await assertApiError(await micro("start_at=yesterday"), 422, "Failed to parse date yesterday");
  await assertApiError(await micro("start_at=1.5"), 422, "Failed to parse date 1.5");
  await assertApiError(
    await micro(`start_at=${NOW_S + 60}`),
    422,
    "Invalid request because of 'Requested date is in the future'",
  );
  const old = epoch("2024-06-15T11:59:00Z");
  await assertApiError(
    await micro(`start_at=${old}`),
    422,
    `Invalid request because of 'Requested date range is invalid for this system. ` +
      `{:start_at=>${old}, :end_at=>${old + 86_400}, :first_interval=>${
        epoch("2024-06-15T12:00:00Z")
      }, :last_interval=>${NOW_S}}'`,
  );
  assert.equal((await micro(`start_at=${epoch("2024-06-15T12:00:00Z")}`)).status, 200);
  await assertApiError(await micro("granularity=hour"), 422, /granularity must be one of/);
});

Deno.test("Enphase sim reports nothing before a system became operational", async () => {
  const { sim, connect, api } = await setup();
  sim.addUser({
    email: "new@example.com",
    password: "p",
    systems: [{ ...ALBANY, systemId: 77, operationalAt: "2026-06-15T10:00:00Z" }],
  });
  const held = await connect(undefined, "new@example.com");
  const res = await api(
    `/api/v4/systems/77/telemetry/production_meter?start_at=${NOW_S - 86_400}`,
    held.access_token,
  );
  const ends = (await res.json()).intervals.map((iv: Interval) => iv.end_at);
  assert.equal(ends.length, 8);
  assert.equal(ends[0], epoch("2026-06-15T10:15:00Z"));
});

Deno.test("Enphase sim is deterministic and its meter agrees with its micros on a day", async () => {
  const { telemetry } = await setup();
  const query = { start_at: NOW_S - 86_400 };
  const micro = await telemetry(SYDNEY.systemId, "production_micro", query);
  assert.deepEqual(await telemetry(SYDNEY.systemId, "production_micro", query), micro);
  const meter = await telemetry(SYDNEY.systemId, "production_meter", query);
  const microWh = micro.intervals.reduce((sum, iv) => sum + iv.enwh!, 0);
  const meterWh = meter.intervals.reduce((sum, iv) => sum + iv.wh_del!, 0);
  assert.ok(microWh > 10_000, String(microWh));
  assert.ok(Math.abs(meterWh - microWh) / microWh < 0.1, `${meterWh} vs ${microWh}`);
});
