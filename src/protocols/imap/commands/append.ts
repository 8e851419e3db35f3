import { MissiveError } from '../../../core/errors.ts';
import { deposit } from '../../../services/deposit/deposit.ts';
import { findImapFolder } from '../../../services/imap/imap-folders.ts';
import { parseDateTime } from '../codec/dates.ts';
import { ImapParseError } from '../codec/values.ts';
import { reportChanges } from '../refresh.ts';
import type { CommandHandler } from '../session.ts';
import { mailboxName } from './args.ts';

const SYSTEM_FLAGS = new Set(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft']);

/**
 * APPEND folder [(flags)] [date] message: a client saving a draft or its sent copy. The message
 * goes through `services/deposit` (parsed, encrypted, indexed like any other), filed in that
 * folder only and sent to no one; APPENDUID (RFC 4315) says where.
 */
export const APPEND: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    const path = mailboxName(session, command, 0);
    let at = 1;
    let flags: string[] = [];
    const flagList = command.args[at];
    if (flagList?.type === 'list') {
      flags = flagList.items.map((flag) => {
        if (flag.type !== 'atom' || (flag.value.startsWith('\\') && !SYSTEM_FLAGS.has(flag.value))) throw new ImapParseError('flags are atoms (system flags as \\Seen…)', command.tag);
        return flag.value;
      });
      at++;
    }
    // The date-time given becomes the message's internal date in that folder (RFC 3501 §6.3.11).
    const date = command.args[at];
    let internalDate: number | undefined;
    if (date?.type === 'string' && date.form === 'quoted') {
      internalDate = parseDateTime(date.value.toString('latin1'), command.tag);
      at++;
    }
    const message = command.args[at];
    if (!message || message.type !== 'string' || message.form === 'quoted' || at !== command.args.length - 1) throw new ImapParseError('APPEND folder [(flags)] [date-time] {literal}', command.tag);
    const folder = await findImapFolder(session.ctx, session.userId!, path);
    if (!folder) return session.reply(command, 'NO', `no folder ${path}`, 'TRYCREATE');
    try {
      const result = await deposit(session.ctx, {
        principal: { kind: 'user', userId: session.userId! },
        channel: 'imap',
        envelope: { from: '' },
        source: [message.value],
        fileInto: { mailboxId: folder.mailboxId, folder: folder.name, flags, ...(internalDate === undefined ? {} : { internalDate }) },
      });
      const validity = await session.ctx.sql.read.selectFrom('folder').select('uidvalidity').where('id', '=', folder.folderId).executeTakeFirstOrThrow();
      if (session.selected?.folder.folderId === folder.folderId) await reportChanges(session);
      session.reply(command, 'OK', 'APPEND completed', `APPENDUID ${Number(validity.uidvalidity)} ${result.filedUid}`);
    } catch (error) {
      if (!(error instanceof MissiveError)) throw error;
      const code = error.code === 'forbidden' ? 'NOPERM' : error.code === 'message_too_large' ? 'TOOBIG' : 'CANNOT';
      session.reply(command, 'NO', error.message, code);
    }
  },
};
