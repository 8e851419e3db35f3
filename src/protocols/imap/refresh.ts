import { folderSnapshot } from '../../services/imap/imap-folders.ts';
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
  // From the end, so that each reported sequence number is right when the client applies it.
  for (let index = selection.uids.length - 1; index >= 0; index--) {
    const uid = selection.uids[index]!;
    if (current.has(uid)) continue;
    selection.uids.splice(index, 1);
    selection.flags.delete(uid);
    session.untagged(index + 1, { atom: 'EXPUNGE' });
  }
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
