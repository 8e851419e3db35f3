import { MissiveError } from '../../../core/errors.ts';
import { deposit } from '../../../services/deposit/deposit.ts';
import { findImapFolder } from '../../../services/imap/imap-folders.ts';
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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `"22-Nov-2026 10:00:00 +0100"` (date-time, RFC 3501 §9) as epoch milliseconds; BAD otherwise. */
function parseDateTime(text: string, tag: string): number {
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2]!.toLowerCase()) : -1;
  if (!match || month < 0) throw new ImapParseError('a date-time is "dd-Mon-yyyy hh:mm:ss +zzzz"', tag);
  const [day, year, hours, minutes, seconds] = [match[1], match[3], match[4], match[5], match[6]].map(Number) as [number, number, number, number, number];
  const offset = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9])) * 60_000;
  const epoch = Date.UTC(year, month, day, hours, minutes, seconds) - offset;
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day || hours > 23 || minutes > 59 || seconds > 60) throw new ImapParseError('no such date', tag);
  return epoch;
}
