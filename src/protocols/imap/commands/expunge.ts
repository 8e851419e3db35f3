import { MissiveError } from '../../../core/errors.ts';
import { copyEntries, expungeEntries, findImapFolder } from '../../../services/imap/imap-folders.ts';
import type { ImapCommand } from '../codec/values.ts';
import { reportExpunged } from '../refresh.ts';
import { namedUids } from '../sequence-set.ts';
import type { CommandHandler, ImapSession } from '../session.ts';
import { argumentCount, atom, mailboxName } from './args.ts';

/** EXPUNGE (all \\Deleted) and UID EXPUNGE set (RFC 4315: only those of the set). */
export const EXPUNGE: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    const byUid = command.name === 'UID EXPUNGE';
    argumentCount(command, byUid ? 1 : 0);
    const selection = session.selected!;
    if (selection.readOnly) return session.reply(command, 'NO', 'this folder is read-only for you', 'READ-ONLY');
    const limit = byUid ? new Set(namedUids(selection, atom(command, 0, 'a UID set'), true, command.tag)) : null;
    const doomed = (await deletedUids(session)).filter((uid) => !limit || limit.has(uid));
    if (!(await removeAndReport(session, command, doomed))) return;
    session.reply(command, 'OK', `${command.name} completed`);
  },
};

/** MOVE / UID MOVE and COPY / UID COPY to another folder of the same mailbox, with COPYUID. */
export const COPY: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 2);
    const selection = session.selected!;
    const byUid = command.name.startsWith('UID ');
    const move = command.name.endsWith('MOVE');
    const uids = namedUids(selection, atom(command, 0, 'a sequence set'), byUid, command.tag);
    const path = mailboxName(session, command, 1);
    const target = await findImapFolder(session.ctx, session.userId!, path);
    if (!target) return session.reply(command, 'NO', `no folder ${path}`, 'TRYCREATE');
    if (move && selection.readOnly) return session.reply(command, 'NO', 'this folder is read-only for you', 'READ-ONLY');
    let result;
    try {
      result = await copyEntries(session.ctx, session.userId!, selection.folder, target, uids, move);
    } catch (error) {
      if (error instanceof MissiveError && (error.code === 'forbidden' || error.code === 'invalid_argument')) return session.reply(command, 'NO', error.message, error.code === 'forbidden' ? 'NOPERM' : 'CANNOT');
      throw error;
    }
    const copyUid = result.source.length > 0 ? `COPYUID ${result.uidValidity} ${result.source.join(',')} ${result.target.join(',')}` : undefined;
    if (move) {
      if (copyUid) session.write(Buffer.from(`* OK [${copyUid}] Moved\r\n`));
      reportExpunged(session, result.source);
      return session.reply(command, 'OK', `${command.name} completed`);
    }
    session.reply(command, 'OK', `${command.name} completed`, copyUid);
  },
};

/** CLOSE: \\Deleted messages go silently (when writable), then the folder is left. */
export const CLOSE: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 0);
    const selection = session.selected!;
    if (!selection.readOnly) {
      const doomed = await deletedUids(session);
      await expungeEntries(session.ctx, session.userId!, selection.folder, doomed).catch((error: unknown) => {
        if (!(error instanceof MissiveError && error.code === 'forbidden')) throw error;
      });
    }
    session.selected = null;
    session.state = 'authenticated';
    session.reply(command, 'OK', 'CLOSE completed');
  },
};

async function removeAndReport(session: ImapSession, command: ImapCommand, uids: number[]): Promise<boolean> {
  try {
    reportExpunged(session, await expungeEntries(session.ctx, session.userId!, session.selected!.folder, uids));
    return true;
  } catch (error) {
    if (error instanceof MissiveError && error.code === 'forbidden') {
      session.reply(command, 'NO', error.message, 'NOPERM');
      return false;
    }
    throw error;
  }
}

/** The entries of the selected folder this session knows that carry \\Deleted. */
async function deletedUids(session: ImapSession): Promise<number[]> {
  const rows = await session.ctx.sql.read.selectFrom('mailbox_entry').select(['uid', 'flags']).where('folder_id', '=', session.selected!.folder.folderId).where('flags', 'like', '%\\Deleted%').execute();
  return rows.filter((row) => row.flags.split(' ').includes('\\Deleted') && session.selected!.uids.has(Number(row.uid))).map((row) => Number(row.uid));
}
