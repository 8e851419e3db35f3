import { expungedSince } from '../../store/repositories/expunged.ts';
import { formatSet } from './sequence-set.ts';
import type { ImapSession } from './session.ts';

/**
 * Tells the client what changed in its selected folder since it last looked (other sessions,
 * the web client, deliveries): EXPUNGE (or VANISHED) for entries gone, EXISTS for new ones,
 * FETCH FLAGS for changed flags. Only where RFC 9051 §7.5.1 allows it (NOOP, IDLE, the end of most commands).
 */
export async function reportChanges(session: ImapSession): Promise<void> {
  const selection = session.selected;
  if (!selection) return;
  const q = session.ctx.sql.read;
  const folder = await q.selectFrom('folder').select('highest_modseq').where('id', '=', selection.folder.folderId).executeTakeFirst();
  const highest = Number(folder?.highest_modseq ?? selection.knownModseq);
  if (highest === selection.knownModseq) return;
  // What left, then what arrived or changed since the last report: found by MODSEQ, not by diffing.
  reportExpunged(session, (await expungedSince(q, selection.folder.folderId, selection.knownModseq)).filter((uid) => selection.uids.has(uid)));
  const changed = await q
    .selectFrom('mailbox_entry')
    .select(['uid', 'flags', 'modseq'])
    .where('folder_id', '=', selection.folder.folderId)
    .where('modseq', '>', selection.knownModseq)
    .orderBy('uid')
    .execute();
  const last = selection.uids.last();
  const added = changed.filter((entry) => Number(entry.uid) > last);
  selection.uids.append(added.map((entry) => Number(entry.uid)));
  if (added.length > 0) session.untagged(selection.uids.length, { atom: 'EXISTS' });
  for (const entry of changed) {
    const uid = Number(entry.uid);
    const seq = uid > last ? 0 : selection.uids.seqOf(uid);
    if (seq === 0) continue;
    const modseq = session.condstore ? [{ atom: 'MODSEQ' }, [Number(entry.modseq)]] : [];
    session.untagged(seq, { atom: 'FETCH' }, [{ atom: 'UID' }, uid, { atom: 'FLAGS' }, entry.flags.split(' ').filter(Boolean).map((flag) => ({ atom: flag })), ...modseq]);
  }
  selection.knownModseq = highest;
}

/**
 * Entries gone from the selected folder: `* n EXPUNGE` each, highest sequence number first so
 * that every number holds when the client applies it; or, once QRESYNC is on, one
 * `* VANISHED uid-set` (RFC 7162 §3.2.10).
 */
export function reportExpunged(session: ImapSession, removed: readonly number[]): void {
  const selection = session.selected;
  if (!selection || removed.length === 0) return;
  const seqs = selection.uids.remove(removed);
  if (seqs.length === 0) return;
  if (session.qresync) session.untagged({ atom: 'VANISHED' }, { atom: formatSet(removed) });
  else for (const seq of seqs) session.untagged(seq, { atom: 'EXPUNGE' });
}
