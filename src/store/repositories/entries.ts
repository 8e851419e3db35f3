import { sql } from 'kysely';
import { LISTED_COLUMNS, listedEntry, type ListedEntry } from './messages.ts';
import { recordExpunge } from './expunged.ts';
import type { Queryable } from './queryable.ts';

/**
 * A message's place in one folder (UID, flags, MODSEQ): what a person changes when they mark,
 * move or delete. Every change takes the folder's next MODSEQ so a resynchronising client
 * (IMAP CONDSTORE/QRESYNC) sees it; the folder row update also serialises concurrent writers.
 */
export type EntryRow = { folderId: string; uid: number; messageId: string; mailboxId: string; flags: string; modseq: number; internalDate: number };

export async function findEntry(q: Queryable, folderId: string, uid: number): Promise<EntryRow | undefined> {
  const row = await q.selectFrom('mailbox_entry').selectAll().where('folder_id', '=', folderId).where('uid', '=', uid).executeTakeFirst();
  return row
    ? { folderId: row.folder_id, uid: Number(row.uid), messageId: row.message_id, mailboxId: row.mailbox_id, flags: row.flags, modseq: Number(row.modseq), internalDate: Number(row.internal_date) }
    : undefined;
}

async function nextModseq(q: Queryable, folderId: string): Promise<number> {
  const row = await q.updateTable('folder').set({ highest_modseq: sql`highest_modseq + 1` }).where('id', '=', folderId).returning('highest_modseq').executeTakeFirstOrThrow();
  return Number(row.highest_modseq);
}

export async function setEntryFlags(q: Queryable, folderId: string, uid: number, flags: string): Promise<void> {
  const modseq = await nextModseq(q, folderId);
  await q.updateTable('mailbox_entry').set({ flags, modseq }).where('folder_id', '=', folderId).where('uid', '=', uid).execute();
}

/** Files the entry's message in another folder of the same mailbox under a new UID; returns it. */
export async function copyEntry(q: Queryable, entry: EntryRow, toFolderId: string, toMailboxId: string = entry.mailboxId): Promise<number> {
  const target = await q
    .updateTable('folder')
    .set({ uid_next: sql`uid_next + 1`, highest_modseq: sql`highest_modseq + 1` })
    .where('id', '=', toFolderId)
    .returning(['uid_next', 'highest_modseq'])
    .executeTakeFirstOrThrow();
  const uid = Number(target.uid_next) - 1;
  await q
    .insertInto('mailbox_entry')
    .values({ folder_id: toFolderId, uid, message_id: entry.messageId, mailbox_id: toMailboxId, flags: entry.flags, modseq: Number(target.highest_modseq), internal_date: entry.internalDate })
    .execute();
  return uid;
}

/** Files the entry's message in another folder of the same mailbox under a new UID, and expunges it here. */
export async function moveEntry(q: Queryable, entry: EntryRow, toFolderId: string): Promise<number> {
  const uid = await copyEntry(q, entry, toFolderId);
  await removeEntry(q, entry.folderId, entry.uid);
  return uid;
}

export async function removeEntry(q: Queryable, folderId: string, uid: number): Promise<void> {
  await recordExpunge(q, folderId, uid);
  await q.deleteFrom('mailbox_entry').where('folder_id', '=', folderId).where('uid', '=', uid).execute();
}

export type FoundEntry = ListedEntry & { folder: string };

/**
 * Entries of one mailbox whose search text (names, addresses, subject, first words, attachment
 * names; see core/search-text.ts) contains every folded term. A scan of one mailbox's rows: enough for the size of a
 * professional mailbox over its three months of content; a word index comes with the directory's.
 */
export async function searchEntries(q: Queryable, mailboxId: string, terms: readonly string[], limit: number): Promise<FoundEntry[]> {
  let query = q
    .selectFrom('mailbox_entry as e')
    .innerJoin('message as m', 'm.id', 'e.message_id')
    .innerJoin('folder as f', 'f.id', 'e.folder_id')
    .select([...LISTED_COLUMNS, 'f.name as folder'])
    .where('e.mailbox_id', '=', mailboxId);
  for (const term of terms) {
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('m.search_text', 'like', sql<string>`${pattern} escape '\\'`);
  }
  const rows = await query.orderBy('e.internal_date', 'desc').limit(limit).execute();
  return rows.map((row) => ({ ...listedEntry(row), folder: row.folder }));
}
