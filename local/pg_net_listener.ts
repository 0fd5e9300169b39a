/**
 * Keeps a LISTEN on the pg_net wake-up channel alive. postgres.js re-subscribes after its listen
 * connection drops, but only once: if the database is still down at that moment the subscription
 * is lost for good. So every `probeMs` the listener sends itself a NOTIFY and, when the previous
 * probe never arrived, subscribes again. The worker's poll covers the gap meanwhile.
 */
import type postgres from "postgres";

export interface WakeListener {
  /** Subscribes if needed and runs the periodic probe; throws when the database is unreachable. */
  ensure(): Promise<void>;
}

export function wakeListener(
  sql: postgres.Sql,
  channel: string,
  onWake: () => void,
  probeMs = 10_000,
): WakeListener {
  let subscription: postgres.ListenMeta | undefined;
  let sent = "";
  let heard = "";
  let sentAt = 0;

  const subscribe = async () => {
    await subscription?.unlisten().catch(() => {});
    subscription = undefined;
    subscription = await sql.listen(channel, (payload) => {
      if (payload.startsWith("probe:")) heard = payload;
      onWake();
    }, onWake);
    sent = heard = "";
  };

  return {
    async ensure() {
      if (!subscription || (sent !== heard && Date.now() - sentAt > 1000)) await subscribe();
      if (Date.now() - sentAt < probeMs) return;
      sentAt = Date.now();
      sent = `probe:${sentAt}`;
      await sql`select pg_notify(${channel}, ${sent})`;
    },
  };
}
