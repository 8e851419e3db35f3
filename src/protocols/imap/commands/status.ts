import { findImapFolder, folderCounts, type ImapFolder } from '../../../services/imap/imap-folders.ts';
import { ImapParseError, type ImapValue } from '../codec/values.ts';
import type { CommandHandler, ImapSession } from '../session.ts';
import { argumentCount, list, mailboxName, mailboxNameOut } from './args.ts';

const ITEMS = new Set(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'SIZE', 'HIGHESTMODSEQ', 'DELETED']);

/** STATUS folder (items): counters of a folder without selecting it. */
export const STATUS: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 2);
    const path = mailboxName(session, command, 0);
    const wanted = statusItems(list(command, 1, 'status items'), command.tag);
    const folder = await findImapFolder(session.ctx, session.userId!, path);
    if (!folder) return session.reply(command, 'NO', `no folder ${path}`, 'NONEXISTENT');
    await writeStatus(session, folder, wanted);
    session.reply(command, 'OK', 'STATUS completed');
  },
};

/** The status items asked for, upper case; BAD for an unknown one. */
export function statusItems(items: readonly ImapValue[], tag: string): string[] {
  const wanted = items.map((item) => (item.type === 'atom' ? item.value.toUpperCase() : ''));
  for (const item of wanted) if (!ITEMS.has(item)) throw new ImapParseError(`unknown status item ${item.slice(0, 20) || '(not an atom)'}`, tag);
  return wanted;
}

/** `* STATUS folder (…)`: for STATUS, and after each folder of LIST … RETURN (STATUS …) (RFC 5819). */
export async function writeStatus(session: ImapSession, folder: ImapFolder, wanted: readonly string[]): Promise<void> {
  const counts = await folderCounts(session.ctx, folder.folderId);
  const values: Record<string, number> = {
    MESSAGES: counts.messages,
    UIDNEXT: counts.uidNext,
    UIDVALIDITY: counts.uidValidity,
    UNSEEN: counts.unseen,
    RECENT: 0,
    SIZE: counts.size,
    HIGHESTMODSEQ: counts.highestModseq,
    DELETED: counts.deleted,
  };
  session.untagged({ atom: 'STATUS' }, mailboxNameOut(session, folder.path), wanted.flatMap((item) => [{ atom: item }, values[item]!]));
}
