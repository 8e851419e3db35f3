import { folderSnapshot } from '../../services/imap/imap-folders.ts';
import { formatSet } from './sequence-set.ts';
import type { ImapSession } from './session.ts';

/**
 * Tells the client what changed in its selected folder since it last looked (other sessions,
 * the web client, deliveries): EXPUNGE for entries gone, EXISTS for new ones, FETCH FLAGS for
 * changed flags. Only where RFC 9051 §7.5.1 allows it (NOOP, IDLE, the end of most commands).
 */
export async function reportChanges(session: ImapSession): Promise<void> {
  const selection = session.selected;
  if (!selection) return;
  const snapshot = await folderSnapshot(session.ctx, selection.folder.folderId);
  const current = new Map(snapshot.entries.map((entry) => [entry.uid, entry.flags]));
  const modseqs = new Map(snapshot.entries.map((entry) => [entry.uid, entry.modseq]));
  reportExpunged(session, selection.uids.filter((uid) => !current.has(uid)));
  const last = selection.uids.at(-1) ?? 0;
  const added = snapshot.entries.filter((entry) => entry.uid > last);
  for (const entry of added) {
    selection.uids.push(entry.uid);
    selection.flags.set(entry.uid, entry.flags);
  }
  if (added.length > 0) session.untagged(selection.uids.length, { atom: 'EXISTS' });
  selection.uids.forEach((uid, index) => {
    const flags = current.get(uid) ?? [];
    const known = selection.flags.get(uid) ?? [];
    if (flags.join(' ') === known.join(' ')) return;
    selection.flags.set(uid, flags);
    const modseq = session.condstore ? [{ atom: 'MODSEQ' }, [modseqs.get(uid) ?? 0]] : [];
    session.untagged(index + 1, { atom: 'FETCH' }, [{ atom: 'UID' }, uid, { atom: 'FLAGS' }, flags.map((flag) => ({ atom: flag })), ...modseq]);
  });
}

/**
 * Entries gone from the selected folder: `* n EXPUNGE` each, highest sequence number first so
 * that every number holds when the client applies it; or, once QRESYNC is on, one
 * `* VANISHED uid-set` (RFC 7162 §3.2.10).
 */
export function reportExpunged(session: ImapSession, removed: readonly number[]): void {
  const selection = session.selected;
  if (!selection || removed.length === 0) return;
  const gone = new Set(removed);
  for (let index = selection.uids.length - 1; index >= 0; index--) {
    const uid = selection.uids[index]!;
    if (!gone.has(uid)) continue;
    selection.uids.splice(index, 1);
    selection.flags.delete(uid);
    if (!session.qresync) session.untagged(index + 1, { atom: 'EXPUNGE' });
  }
  if (session.qresync) session.untagged({ atom: 'VANISHED' }, { atom: formatSet(removed) });
}
