import assert from "node:assert/strict";
import { watts } from "./goodwe_detail.ts";
import {
  AMSTERDAM,
  DENVER,
  DETAIL,
  type Json,
  LIST,
  listQuery,
  OWNER,
  PACS,
  setupSim,
} from "./goodwe_testing.ts";

const plant = (i: number) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  name: `Plant ${i}`,
  timeZone: "Europe/Madrid",
  capacityKw: 5,
});

Deno.test("GoodWe sim pages QueryPowerStationMonitor by page_index and page_size", async () => {
  const { sim, login, call } = setupSim();
  sim.addAccount({
    ...OWNER,
    account: "fleet@example.com",
    plants: Array.from({ length: 30 }, (_, i) => plant(i)),
  });
  const session = await login("fleet@example.com");
  const ids = async (page: number, size = 14) => {
    const body = await call(session, LIST, listQuery(page, size));
    assert.equal(body.data.record, 30);
    return body.data.list.map((p: Json) => p.powerstation_id);
  };
  assert.deepEqual(await ids(1), Array.from({ length: 14 }, (_, i) => plant(i).id));
  assert.deepEqual(await ids(3), [plant(28).id, plant(29).id]);
  assert.deepEqual(await ids(4), []);
  assert.deepEqual(await ids(2, 5), [5, 6, 7, 8, 9].map((i) => plant(i).id));
  for (
    const query of [listQuery(0), listQuery(1, 0), listQuery(1, 101), {
      ...listQuery(1),
      page_index: "1",
    }]
  ) {
    assert.equal((await call(session, LIST, query)).code, 100004);
  }
});

Deno.test("GoodWe sim lists plants with the fields the app shows", async () => {
  const { login, call } = setupSim();
  const [first] = (await call(await login(), LIST, listQuery(1))).data.list;
  assert.equal(first.stationname, "Utrecht barn");
  assert.equal(first.capacity, 4.2);
  assert.equal(first.location, "Amsterdam");
  assert.equal(first.status, 1);
  assert.ok(first.pac > 0 && first.eday > 0);
});

Deno.test("GoodWe sim owner accounts list nothing and find their plant by owner", async () => {
  const { sim, login, call } = setupSim();
  sim.addAccount({ ...OWNER, account: "home@example.com", ownerOnly: true });
  const session = await login("home@example.com");
  const list = await call(session, LIST, listQuery(1));
  assert.deepEqual(list.data, { record: 0, list: [] });
  const owner = await call(session, "PowerStation/GetPowerStationIdByOwner");
  assert.deepEqual([owner.code, owner.data], [0, AMSTERDAM.id]);
});

Deno.test("GoodWe sim pac curve runs up to now in plant-local MM/dd/yyyy, DST-correct", async () => {
  const { login, call, setNow } = setupSim();
  const session = await login();
  const pacs = async (date: string) =>
    (await call(session, PACS, { id: AMSTERDAM.id, date })).data.pacs as Json[];
  // 25 Oct 2026 is the autumn change: 11:00Z is 12:00 CET that day, 13:00 CEST the day before.
  const today = await pacs("2026-10-25");
  assert.equal(today.at(-1).date, "10/25/2026 12:00:00");
  assert.ok(today.every((p) => p.date.startsWith("10/25/2026 ") && Number.isInteger(p.pac)));
  setNow("2026-10-24T11:03:00Z");
  const before = await pacs("2026-10-24");
  assert.equal(before.at(-1).date, "10/24/2026 13:00:00");
  // The same sunrise comes an hour earlier on the wall clock once clocks go back.
  const minutes = (p: Json) => Number(p.date.slice(11, 13)) * 60 + Number(p.date.slice(14, 16));
  const shift = minutes(before[0]) - minutes(today[0]);
  assert.ok(shift >= 55 && shift <= 65, `sunrise moved ${shift} minutes`);
  for (let i = 1; i < today.length; i++) assert.equal(minutes(today[i]) - minutes(today[i - 1]), 5);
  assert.deepEqual(await pacs("2026-10-26"), []);
});

Deno.test("GoodWe sim prints pacs in the account's date format and has none at night", async () => {
  const { sim, login, call, setNow } = setupSim();
  sim.addAccount({ ...OWNER, account: "nl@example.com", dateFormat: "dd/MM/yyyy" });
  const session = await login("nl@example.com");
  const body = await call(session, PACS, { id: AMSTERDAM.id, date: "2026-10-25" });
  assert.equal(body.data.pacs.at(-1).date, "25/10/2026 12:00:00");
  setNow("2026-10-25T03:00:00Z");
  assert.deepEqual((await call(session, PACS, { id: AMSTERDAM.id, date: "2026-10-25" })).data, {
    pacs: [],
  });
});

Deno.test("GoodWe sim rejects a bad pac date with 100004 and answers empty data for a foreign plant", async () => {
  const { login, call } = setupSim();
  const session = await login();
  for (const date of ["2026-02-30", "10/25/2026", undefined]) {
    assert.equal((await call(session, PACS, { id: AMSTERDAM.id, date })).code, 100004);
  }
  const foreign = "11111111-2222-4333-8444-555555555555";
  assert.deepEqual((await call(session, PACS, { id: foreign, date: "2026-10-25" })).data, {});
  const detail = await call(session, DETAIL, { powerStationId: foreign });
  assert.deepEqual([detail.code, detail.data], ["0", {}]);
});

Deno.test("GoodWe sim monitor detail is shaped like the captures, misspellings included", async () => {
  const { sim, login, call } = setupSim();
  sim.addAccount({ ...OWNER, account: "nl@example.com", dateFormat: "dd/MM/yyyy" });
  const session = await login("nl@example.com");
  const { data } = await call(session, DETAIL, { powerStationId: AMSTERDAM.id });
  const pacs = (await call(session, PACS, { id: AMSTERDAM.id, date: "2026-10-25" })).data.pacs;
  assert.equal(data.info.time, "10/25/2026 12:03:00");
  assert.equal(data.info.date_format, "dd/MM/yyyy");
  assert.equal(data.info.time_span, -1);
  const [inverter] = data.inverter;
  assert.equal(inverter.last_refresh_time, "10/25/2026 12:00:00");
  assert.equal(inverter.d.last_refresh_time, "25/10/2026 12:00:00");
  assert.equal(inverter.out_pac, pacs.at(-1).pac);
  assert.equal(data.kpi.pac, inverter.out_pac);
  const today = pacs.reduce((sum: number, p: Json) => sum + p.pac, 0) / 12 / 1000;
  assert.equal(inverter.eday, Math.round(today * 10) / 10);
  assert.ok(inverter.tempperature > 20);
  assert.equal(inverter.status, 1);
  assert.match(inverter.sn, /^GW\d{5}S[0-9A-F]{8}$/);
  assert.equal(data.powerflow.pv, `${inverter.out_pac}(W)`);
  assert.equal(data.powerflow.bettery, "0(W)");
  assert.equal(data.powerflow.betteryStatus, 0);
  assert.match(data.powerflow.load, /^\d+\(W\)$/);
  assert.deepEqual(data.homKit, { homeKitLimit: false, sn: null });
  assert.equal(data.hasEnergeStatisticsCharts, true);
  assert.ok(data.energeStatisticsCharts.sell >= 0 && data.energeStatisticsCharts.buy >= 0);
});

Deno.test("GoodWe sim reports sentinels for the phases and PV inputs an inverter lacks", async () => {
  const { login, call } = setupSim({ at: "2026-06-21T18:00:00Z" });
  const session = await login();
  const single = (await call(session, DETAIL, { powerStationId: AMSTERDAM.id })).data.inverter[0].d;
  const three = (await call(session, DETAIL, { powerStationId: DENVER.id })).data.inverter[0].d;
  assert.ok(single.vac1 > 220 && single.vac1 < 240 && single.fac1 > 49.9 && single.fac1 < 50.1);
  for (const key of ["vac2", "vac3", "iac2", "iac3", "vpv3", "vpv4", "ipv3", "ipv4"]) {
    assert.equal(single[key], 6553.5, key);
  }
  assert.deepEqual([single.fac2, single.fac3], [655.35, 655.35]);
  for (const n of [1, 2, 3]) {
    assert.ok(three[`vac${n}`] > 220 && three[`vac${n}`] < 240);
    assert.ok(three[`fac${n}`] > 59.9 && three[`fac${n}`] < 60.1);
  }
  assert.ok(three.vpv1 > 300 && three.vpv2 > 300);
  assert.deepEqual([three.vpv3, three.vpv4], [6553.5, 6553.5]);
});

Deno.test("GoodWe sim shows a sleeping inverter offline at its last report", async () => {
  const { login, call } = setupSim({ at: "2026-01-10T19:37:31Z" });
  const { data } = await call(await login(), DETAIL, { powerStationId: AMSTERDAM.id });
  assert.equal(data.info.time, "01/10/2026 20:37:31");
  assert.equal(data.info.status, -1);
  const [inverter] = data.inverter;
  assert.deepEqual([inverter.status, inverter.out_pac, inverter.tempperature], [-1, 0, 0]);
  assert.match(inverter.last_refresh_time, /^01\/10\/2026 1[5-7]:\d{2}:00$/);
  assert.equal(data.powerflow.pv, "0(W)");
});

Deno.test("GoodWe sim serves the detail on the v3 path too and prints large powers in kW", async () => {
  const { login, call } = setupSim();
  const v3 = await call(await login(), "v3/PowerStation/GetMonitorDetailByPowerstationId", {
    powerStationId: DENVER.id,
  });
  assert.equal(v3.data.info.stationname, "Denver depot");
  assert.equal(watts(2337), "2337(W)");
  assert.equal(watts(15234), "15.23(kW)");
});
