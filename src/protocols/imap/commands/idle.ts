import { ImapParseError } from '../codec/values.ts';
import { reportChanges } from '../refresh.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount } from './args.ts';

/**
 * IDLE (RFC 2177): the client waits; every committed change to the selected folder's mailbox
 * (the change feed, no polling) is reported at once, until it says DONE.
 */
export const IDLE: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 0);
    // Reports run one after the other, the first for what happened before IDLE began.
    let pending = Promise.resolve();
    const report = () => {
      pending = pending.then(() => reportChanges(session)).catch((error: unknown) => session.ctx.log.error('imap idle refresh failed', { error }));
    };
    const unsubscribe = session.ctx.changes.subscribe((change) => {
      if (session.selected && change.mailboxId === session.selected.folder.mailboxId) report();
    });
    try {
      report();
      const line = (await session.nextLine('idling')).toString('latin1');
      await pending;
      if (line.toUpperCase() !== 'DONE') throw new ImapParseError('expected DONE', command.tag);
      session.reply(command, 'OK', 'IDLE terminated');
    } finally {
      unsubscribe();
    }
  },
};
