import pg from 'pg';
import type { Logger } from '../observability/log.ts';

export type NotifyChannel = { notify(payload: string): void; close(): Promise<void> };

/**
 * One PostgreSQL connection that LISTENs on a channel and sends NOTIFY on it: how the nodes of
 * an installation tell each other what changed, with nothing but the database they share. The
 * connection is re-established after a failure (a second, then doubling up to 30 s); what was
 * published while it was down is not replayed, which live views survive (IMAP and the web client
 * read the state itself on their next command).
 */
export async function postgresChannel(url: string, channel: string, onPayload: (payload: string) => void, log: Logger): Promise<NotifyChannel> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 1_000;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'missive-changes' });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    next.on('error', (error) => {
      log.warn('the change channel lost its connection', { error: error.message });
      if (client === next) client = null;
      void next.end().catch(() => undefined);
      schedule();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    retryMs = 1_000;
  };

  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect().catch((error: unknown) => {
        log.warn('the change channel could not reconnect', { error: error instanceof Error ? error.message : String(error) });
        retryMs = Math.min(retryMs * 2, 30_000);
        schedule();
      });
    }, retryMs);
    timer.unref();
  };

  await connect();
  return {
    notify(payload) {
      const current = client;
      if (!current) return;
      current.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((error: unknown) => log.warn('a change could not be sent to the other nodes', { error: error instanceof Error ? error.message : String(error) }));
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
