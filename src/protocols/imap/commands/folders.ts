import { MissiveError, type MissiveErrorCode } from '../../../core/errors.ts';
import { createFolder, deleteFolder, imapFolder, renameFolder } from '../../../services/imap/imap-folders.ts';
import type { ImapCommand } from '../codec/values.ts';
import type { CommandHandler, ImapSession } from '../session.ts';
import { argumentCount, mailboxName } from './args.ts';

const CODES: Partial<Record<MissiveErrorCode, string>> = { forbidden: 'NOPERM', conflict: 'ALREADYEXISTS', not_found: 'NONEXISTENT', invalid_argument: 'CANNOT' };

/** CREATE, DELETE and RENAME of a user's own folders (one level, in a mailbox they manage). */
export const CREATE: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 1);
    await answer(session, command, () => createFolder(session.ctx, session.userId!, mailboxName(session, command, 0, 'a folder name').replace(/\/$/, '')));
  },
};

export const DELETE: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 1);
    await answer(session, command, async () => {
      const folder = await imapFolder(session.ctx, session.userId!, mailboxName(session, command, 0));
      if (session.selected?.folder.folderId === folder.folderId) throw new MissiveError('invalid_argument', 'close the folder before deleting it');
      await deleteFolder(session.ctx, session.userId!, folder);
    });
  },
};

export const RENAME: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 2);
    await answer(session, command, async () => renameFolder(session.ctx, session.userId!, await imapFolder(session.ctx, session.userId!, mailboxName(session, command, 0)), mailboxName(session, command, 1, 'a new name')));
  },
};

async function answer(session: ImapSession, command: ImapCommand, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    session.reply(command, 'OK', `${command.name} completed`);
  } catch (error) {
    if (!(error instanceof MissiveError)) throw error;
    session.reply(command, 'NO', error.message, CODES[error.code] ?? 'CANNOT');
  }
}
