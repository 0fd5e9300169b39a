/**
 * The customer's side of an OAuth connect flow against the local stack: ask the function for the
 * vendor's authorize page, approve there as the simulated owner (the simulator's stand-in for
 * logging in and pressing "Allow"), and follow the redirect back to the function's callback. The
 * demo, the benchmark and the integration tests connect their owners this way.
 */
import { stackEnv } from "./stack_env.ts";

export interface ConnectedOwner {
  credentialId: string;
  /** The callback URL the vendor redirected to, and the callback's raw answer. */
  callbackUrl: string;
  responseText: string;
  /** The vendor site ids the callback discovered. */
  sites: string[];
  [field: string]: unknown;
}

export async function connectOwner(
  vendor: string,
  orgId: string,
  email: string,
  label: string,
): Promise<ConnectedOwner> {
  const start = await fetch(
    `${stackEnv.SUPABASE_URL}/functions/v1/${vendor}/oauth/start?organizationId=${orgId}&label=${
      encodeURIComponent(label)
    }`,
    { headers: { apikey: stackEnv.SUPABASE_SERVICE_KEY }, redirect: "manual" },
  );
  if (start.status !== 302) {
    throw new Error(
      `Cannot connect ${vendor}: oauth/start answered ${start.status}: ${await start.text()}`,
    );
  }
  await start.body?.cancel();
  const authorize = new URL(start.headers.get("location")!);
  authorize.searchParams.set("approve_as", email);
  const approved = await fetch(authorize, { redirect: "manual" });
  await approved.body?.cancel();
  const callbackUrl = approved.headers.get("location")!;
  const res = await fetch(callbackUrl);
  const responseText = await res.text();
  if (res.status !== 200) {
    throw new Error(
      `Cannot connect ${vendor}: oauth/callback answered ${res.status}: ${responseText}`,
    );
  }
  return { ...JSON.parse(responseText), callbackUrl, responseText };
}
