import type { SqlStore } from '../../store/database.ts';
import { appendOutbox } from '../../store/repositories/dev-outbox.ts';
import type { Notifier } from './notifier.ts';

/**
 * Development only (production refuses `devOutbox`): what would have been sent is kept in the
 * database and shown at /dev/outbox, so a developer can log in with the code it "sent".
 */
export function devOutboxNotifier(sql: SqlStore, clock: () => number): Notifier {
  return {
    async send(notification) {
      await sql.write((trx) =>
        appendOutbox(trx, { at: clock(), channel: notification.channel, recipient: notification.to, subject: notification.subject, body: notification.text }),
      );
    },
  };
}
