/**
 * Serves the GoodWe SEMS simulator for the local stack and the demo:
 * `deno run -A local/simulators/goodwe_main.ts --port 54334 [--seed-demo]`.
 * Point GOODWE_LOGIN_URL and GOODWE_LEGACY_LOGIN_URL at the printed URL, GOODWE_LOGIN_URL_EU and
 * GOODWE_LOGIN_URL_CN at it plus `/eu-semsplus` and `/cn-semsplus`.
 */
import { serveGoodWeSimulator, type SimAccount } from "./goodwe.ts";
import { simulatorPort } from "./serve.ts";

/**
 * What `--seed-demo` adds: a dd/MM/yyyy account with plants on both hemispheres, whose times carry
 * a space after each colon as a real monitor detail's do (20250623_homekit_getData.json).
 */
export const demoAccount: SimAccount = {
  account: "demo@goodwe.example",
  password: "demo-goodwe-password",
  dateFormat: "dd/MM/yyyy",
  timeStyle: "spaced",
  region: "eu",
  plants: [
    {
      id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
      name: "Demo Utrecht Barn",
      timeZone: "Europe/Amsterdam",
      capacityKw: 9.6,
    },
    {
      id: "7a2d3b8f-4c5e-4f60-9b0c-1d2e3f4a5b6c",
      name: "Demo Perth Shed",
      timeZone: "Australia/Perth",
      capacityKw: 5,
    },
  ],
};

if (import.meta.main) {
  const args = Deno.args;
  const port = simulatorPort(args, 54334, "GoodWe");
  const { server, sim } = serveGoodWeSimulator({ port });
  if (args.includes("--seed-demo")) sim.addAccount(demoAccount);
  console.log(`GoodWe simulator listening on http://127.0.0.1:${server.addr.port}`);
}
