import { findImapFolder, folderCounts } from '../../../services/imap/imap-folders.ts';
import { ImapParseError } from '../codec/values.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount, astring, list } from './args.ts';

const ITEMS = new Set(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'SIZE', 'HIGHESTMODSEQ', 'DELETED']);

/** STATUS folder (items): counters of a folder without selecting it. */
export const STATUS: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 2);
    const path = astring(command, 0, 'a folder');
    const wanted = list(command, 1, 'status items').map((item) => (item.type === 'atom' ? item.value.toUpperCase() : ''));
    for (const item of wanted) if (!ITEMS.has(item)) throw new ImapParseError(`unknown status item ${item.slice(0, 20) || '(not an atom)'}`, command.tag);
    const folder = await findImapFolder(session.ctx, session.userId!, path);
    if (!folder) return session.reply(command, 'NO', `no folder ${path}`, 'NONEXISTENT');
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
    session.untagged({ atom: 'STATUS' }, folder.path, wanted.flatMap((item) => [{ atom: item }, values[item]!]));
    session.reply(command, 'OK', 'STATUS completed');
  },
};
