/**
 * SMA's 5-minute request limit belongs to the API client, not to the plant owner (vendors.md
 * "Corrections, December 2026", SMA; developer.sma.de/sma-apis.html: "for one credential within a
 * 5 minute interval"). The core paces each credential by itself, and the runner syncs several
 * credentials at once, so owners connected through one SMA client would together spend that
 * client's window several times over and collect 429s. This window is shared by every SMA
 * credential of one client in this process: each monitoring request takes its place here before
 * it goes to `ctx.http`. The limit is SMA_PER_FIVE_MINUTES, the client's package; without it
 * nothing waits here.
 * Not covered: an attempt the core repeats (a 5xx, a renewed token) is counted by the core's
 * per-credential pacer only, and another invocation running at the same moment has its own window.
 */
import { MinutePacer } from "../../../shared/pacer.ts";
import type { AdapterContext, VendorConfig } from "../../../shared/types.ts";

const WINDOW_MS = 5 * 60_000;

export interface ClientWindows {
  /** Waits until one more request of the vendor config's client fits; the ms it waited. */
  take(vendor: VendorConfig): Promise<number>;
}

export function createClientWindows(
  clock: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): ClientWindows {
  const pacers = new Map<string, MinutePacer>();
  return {
    async take(vendor) {
      const limit = Number(vendor.SMA_PER_FIVE_MINUTES);
      if (!(limit > 0)) return 0;
      const key = `${vendor.SMA_CLIENT_ID ?? ""}\n${limit}`;
      let pacer = pacers.get(key);
      if (!pacer) {
        pacer = new MinutePacer({ window: { limit, windowMs: WINDOW_MS }, ...clock });
        pacers.set(key, pacer);
      }
      return await pacer.take();
    },
  };
}

/** The windows of this process, one per SMA client. */
export const clientWindows: ClientWindows = createClientWindows();

/** `ctx` whose requests first wait for their place in the client's window. */
export function pacedByClient<S>(
  ctx: AdapterContext<S>,
  windows: ClientWindows,
): AdapterContext<S> {
  return {
    ...ctx,
    // The secret changes when the core renews a token: read through, never copy.
    get secret() {
      return ctx.secret;
    },
    http: async (req) => {
      await windows.take(ctx.vendorConfig);
      return await ctx.http(req);
    },
  };
}
