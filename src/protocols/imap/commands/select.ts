import { MissiveError } from '../../../core/errors.ts';
import { folderSnapshot, imapFolder } from '../../../services/imap/imap-folders.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount, astring } from './args.ts';

const FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** SELECT and EXAMINE: the folder's counters and flags; read-only for EXAMINE and for a read-only member. */
export const SELECT: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 1, 2);
    // SELECT folder (CONDSTORE) turns CONDSTORE on (RFC 7162 §3.1.8).
    const parameters = command.args[1];
    if (parameters?.type === 'list' && parameters.items.some((item) => item.type === 'atom' && item.value.toUpperCase() === 'CONDSTORE')) session.condstore = true;
    session.selected = null;
    session.state = 'authenticated';
    const path = astring(command, 0, 'a folder');
    const folder = await imapFolder(session.ctx, session.userId!, path).catch((error: unknown) => {
      if (error instanceof MissiveError && error.code === 'not_found') return null;
      throw error;
    });
    if (!folder) return session.reply(command, 'NO', `no folder ${path}`, 'NONEXISTENT');
    const snapshot = await folderSnapshot(session.ctx, folder.folderId);
    const readOnly = command.name === 'EXAMINE' || !(folder.rights.send || folder.rights.manage);
    const unseen = snapshot.entries.findIndex((entry) => !entry.flags.includes('\\Seen'));
    session.untagged(snapshot.entries.length, { atom: 'EXISTS' });
    session.untagged(0, { atom: 'RECENT' });
    session.untagged({ atom: 'FLAGS' }, FLAGS.map((flag) => ({ atom: flag })));
    session.write(Buffer.from(`* OK [PERMANENTFLAGS (${readOnly ? '' : FLAGS.join(' ')})] Flags permitted\r\n`));
    if (unseen >= 0) session.write(Buffer.from(`* OK [UNSEEN ${unseen + 1}] First unseen\r\n`));
    session.write(Buffer.from(`* OK [UIDVALIDITY ${snapshot.uidValidity}] UIDs valid\r\n`));
    session.write(Buffer.from(`* OK [UIDNEXT ${snapshot.uidNext}] Predicted next UID\r\n`));
    session.write(Buffer.from(`* OK [HIGHESTMODSEQ ${snapshot.highestModseq}] Highest\r\n`));
    session.selected = { folder, readOnly, uids: snapshot.entries.map((entry) => entry.uid), flags: new Map(snapshot.entries.map((entry) => [entry.uid, entry.flags])) };
    session.state = 'selected';
    session.reply(command, 'OK', `${command.name} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
  },
};
