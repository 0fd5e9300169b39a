import assert from "node:assert/strict";
import { powerStationApi } from "./region.ts";

Deno.test("powerStationApi keeps the classic login's regional api, ending with a slash", () => {
  assert.equal(
    powerStationApi("https://eu.semsportal.com/api/", {}),
    "https://eu.semsportal.com/api/",
  );
  assert.equal(
    powerStationApi("https://au.semsportal.com/api", {}),
    "https://au.semsportal.com/api/",
  );
  assert.equal(
    powerStationApi(undefined, { api: "http://127.0.0.1:54334/us/api/" }),
    "http://127.0.0.1:54334/us/api/",
  );
});

Deno.test("powerStationApi sends a SEMS+ gateway or a missing api to the region's classic API", () => {
  const gateway = "https://eu-gateway.semsportal.com/web/sems";
  assert.equal(
    powerStationApi(undefined, { api: gateway, region: "eu" }),
    "https://eu.semsportal.com/api/",
  );
  assert.equal(
    powerStationApi(undefined, { api: "https://us-gateway.semsportal.com/web/sems" }),
    "https://us.semsportal.com/api/",
  );
  assert.equal(powerStationApi(undefined, {}), "https://eu.semsportal.com/api/");
  assert.equal(powerStationApi("not a url", { region: "au" }), "https://au.semsportal.com/api/");
});

Deno.test("powerStationApi never puts an unexpected region into a host name", () => {
  const api = powerStationApi(undefined, { region: "evil.example.com/x" });
  assert.equal(api, "https://eu.semsportal.com/api/");
  assert.equal(
    powerStationApi("ftp://eu.semsportal.com/api/", {}),
    "https://eu.semsportal.com/api/",
  );
});
