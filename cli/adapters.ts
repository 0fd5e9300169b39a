/** The vendors the operator CLIs know, by source name. */
import { enphase } from "../supabase/functions/enphase/adapter.ts";
import { goodwe } from "../supabase/functions/goodwe/adapter.ts";
import { sma } from "../supabase/functions/sma/adapter.ts";
import { solaredge } from "../supabase/functions/solaredge/adapter.ts";
import type { Adapter } from "../shared/types.ts";
import { isSource, type Source } from "../shared/vendors.ts";

/** Typed by the registry, so a vendor registered without its adapter here does not compile. */
export const adapters: Record<Source, Adapter<unknown>> = {
  solaredge: solaredge as Adapter<unknown>,
  enphase: enphase as Adapter<unknown>,
  sma: sma as Adapter<unknown>,
  goodwe: goodwe as Adapter<unknown>,
};

export function adapterFor(source: string | undefined): Adapter<unknown> {
  const adapter = isSource(source) ? adapters[source] : undefined;
  if (!adapter) {
    throw new Error(
      `Cannot find vendor "${source ?? ""}": expected one of ${Object.keys(adapters).join(", ")}`,
    );
  }
  return adapter;
}
