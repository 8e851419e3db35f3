import { findImapFolder, folderState } from '../../../services/imap/imap-folders.ts';
import { expungedSince } from '../../../store/repositories/expunged.ts';
import { ImapParseError, type ImapCommand } from '../codec/values.ts';
import { formatSet, parseSequenceSet } from '../sequence-set.ts';
import type { CommandHandler } from '../session.ts';
import { UidList } from '../uid-list.ts';
import { argumentCount, mailboxName, mailboxNameOut } from './args.ts';

const FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** SELECT and EXAMINE: the folder's counters and flags; read-only for EXAMINE and for a read-only member. */
export const SELECT: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 1, 2);
    // SELECT folder (CONDSTORE) turns CONDSTORE on (RFC 7162 §3.1.8).
    const parameters = command.args[1];
    if (parameters?.type === 'list' && parameters.items.some((item) => item.type === 'atom' && item.value.toUpperCase() === 'CONDSTORE')) session.condstore = true;
    const resync = qresyncParameters(command);
    if (resync && !session.qresync) throw new ImapParseError('ENABLE QRESYNC first', command.tag);
    session.selected = null;
    session.state = 'authenticated';
    const path = mailboxName(session, command, 0);
    const folder = await findImapFolder(session.ctx, session.userId!, path);
    if (!folder) return session.reply(command, 'NO', `no folder ${path}`, 'NONEXISTENT');
    const snapshot = await folderState(session.ctx, folder.folderId);
    const readOnly = command.name === 'EXAMINE' || !(folder.rights.send || folder.rights.manage);
    const uids = UidList.fromRuns(snapshot.uidRuns);
    const unseen = snapshot.firstUnseenUid === null ? 0 : uids.seqOf(snapshot.firstUnseenUid);
    session.untagged(uids.length, { atom: 'EXISTS' });
    // IMAP4rev2 has no \\Recent; it names the mailbox selected instead (RFC 9051 §6.3.2).
    if (session.rev2) session.untagged({ atom: 'LIST' }, [], '/', mailboxNameOut(session, folder.path));
    else session.untagged(0, { atom: 'RECENT' });
    session.untagged({ atom: 'FLAGS' }, FLAGS.map((flag) => ({ atom: flag })));
    session.write(Buffer.from(`* OK [PERMANENTFLAGS (${readOnly ? '' : FLAGS.join(' ')})] Flags permitted\r\n`));
    if (unseen > 0) session.write(Buffer.from(`* OK [UNSEEN ${unseen}] First unseen\r\n`));
    session.write(Buffer.from(`* OK [UIDVALIDITY ${snapshot.uidValidity}] UIDs valid\r\n`));
    session.write(Buffer.from(`* OK [UIDNEXT ${snapshot.uidNext}] Predicted next UID\r\n`));
    session.write(Buffer.from(`* OK [HIGHESTMODSEQ ${snapshot.highestModseq}] Highest\r\n`));
    session.selected = { folder, readOnly, uids, knownModseq: snapshot.highestModseq, saved: [] };
    session.state = 'selected';
    // QRESYNC: what vanished and what changed since the client's state, in this one exchange.
    if (resync && resync.uidValidity === snapshot.uidValidity) {
      const known = resync.knownUids;
      const vanished = (await expungedSince(session.ctx.sql.read, folder.folderId, resync.modseq)).filter((uid) => !known || known.has(uid));
      if (vanished.length > 0) session.untagged({ atom: 'VANISHED' }, [{ atom: 'EARLIER' }], { atom: formatSet(vanished) });
      const changed = await session.ctx.sql.read
        .selectFrom('mailbox_entry')
        .select(['uid', 'flags', 'modseq'])
        .where('folder_id', '=', folder.folderId)
        .where('modseq', '>', resync.modseq)
        .orderBy('uid')
        .execute();
      for (const entry of changed) {
        const seq = uids.seqOf(Number(entry.uid));
        if (seq) session.untagged(seq, { atom: 'FETCH' }, [{ atom: 'UID' }, Number(entry.uid), { atom: 'FLAGS' }, entry.flags.split(' ').filter(Boolean).map((flag) => ({ atom: flag })), { atom: 'MODSEQ' }, [Number(entry.modseq)]]);
      }
    }
    session.reply(command, 'OK', `${command.name} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
  },
};

/** `(QRESYNC (uidvalidity modseq [known-uids]))` among SELECT's parameters, once QRESYNC is enabled. */
function qresyncParameters(command: ImapCommand): { uidValidity: number; modseq: number; knownUids: Set<number> | null } | null {
  const parameters = command.args[1];
  if (parameters?.type !== 'list') return null;
  const at = parameters.items.findIndex((item) => item.type === 'atom' && item.value.toUpperCase() === 'QRESYNC');
  if (at === -1) return null;
  const values = parameters.items[at + 1];
  if (values?.type !== 'list') throw new ImapParseError('QRESYNC needs (uidvalidity modseq [known-uids])', command.tag);
  const [validity, modseq, known] = values.items.map((item) => (item.type === 'atom' ? item.value : ''));
  if (!/^\d{1,10}$/.test(validity ?? '') || !/^\d{1,19}$/.test(modseq ?? '')) throw new ImapParseError('QRESYNC needs (uidvalidity modseq [known-uids])', command.tag);
  let knownUids: Set<number> | null = null;
  if (known) {
    const set = parseSequenceSet(known, command.tag);
    knownUids = new Set(set.flatMap(([from, to]) => (to - from > 1_000_000 || !Number.isFinite(to) ? [] : Array.from({ length: to - from + 1 }, (_, index) => from + index))));
  }
  return { uidValidity: Number(validity), modseq: Number(modseq), knownUids };
}
