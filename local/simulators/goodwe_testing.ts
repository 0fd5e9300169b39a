/**
 * Shared set-up for the GoodWe simulator tests: an account with a single-phase Dutch plant and a
 * three-phase plant in Denver, a clock the test moves by hand, and helpers that log in and call
 * the regional API the way the SEMS app does.
 */
import assert from "node:assert/strict";
import {
  createGoodWeSimulator,
  type GoodWeSimulatorOptions,
  type SimAccount,
  type SimPlant,
} from "./goodwe.ts";
import { semsPlusPassword } from "./goodwe_login.ts";
import { manualClock } from "./sim_testing.ts";

export const AMSTERDAM: SimPlant = {
  id: "3f2a9c4e-1b7d-4c8e-9a6f-2d5e8b1c0a37",
  name: "Utrecht barn",
  timeZone: "Europe/Amsterdam",
  capacityKw: 4.2,
};
export const DENVER: SimPlant = {
  id: "8e4b1d2c-6a9f-4e3b-b7c5-1f0a2d9e8c64",
  name: "Denver depot",
  timeZone: "America/Denver",
  capacityKw: 12,
};
export const OWNER: SimAccount = {
  account: "owner@example.com",
  password: "s3cret-Pass",
  plants: [AMSTERDAM, DENVER],
};

export const SEMS_PLUS_LOGIN = "/web/sems/sems-user/api/v1/auth/cross-login";
export const LEGACY_LOGIN = "/api/v3/Common/CrossLogin";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** A simulator with OWNER on a clock the test moves by hand (default 2026-10-25 11:03Z). */
export function setupSim(options: GoodWeSimulatorOptions & { at?: string } = {}) {
  const clock = manualClock(options.at ?? "2026-10-25T11:03:00Z");
  const sim = createGoodWeSimulator({ now: clock.now, ...options });
  sim.addAccount(OWNER);
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    sim.handler(
      new Request(`http://sim.test${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  /** Logs in with SEMS+ as the app does; returns the `token` header and the regional base. */
  const login = async (account = OWNER.account, password = OWNER.password) => {
    const res = await post(SEMS_PLUS_LOGIN, {
      account,
      pwd: semsPlusPassword(password),
      agreement: 1,
      isChinese: false,
      isLocal: false,
    });
    const body = await res.json();
    assert.equal(body.code, "00000", JSON.stringify(body));
    return { token: JSON.stringify(body.data), api: body.api as string };
  };
  /** POSTs to `route` under the session's regional base; answers the parsed body. */
  const call = async (session: { token: string; api: string }, route: string, body?: unknown) => {
    const res = await post(new URL(session.api).pathname + route, body, { token: session.token });
    assert.equal(res.status, 200);
    return await res.json() as Json;
  };
  return {
    sim,
    post,
    login,
    call,
    setNow: clock.setNow,
    advance: clock.advance,
  };
}

export const LIST = "PowerStationMonitor/QueryPowerStationMonitor";
export const PACS = "v2/PowerStationMonitor/GetPowerStationPacByDayForApp";
export const DETAIL = "v2/PowerStation/GetMonitorDetailByPowerstationId";

export function listQuery(page: number, size = 14) {
  return {
    powerstation_id: "",
    key: "",
    orderby: "",
    powerstation_type: "",
    powerstation_status: "",
    page_index: page,
    page_size: size,
    adcode: "",
    org_id: "",
    condition: "",
  };
}
