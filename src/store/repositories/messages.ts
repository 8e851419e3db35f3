import { sql } from 'kysely';
import type { MailboxEntryTable, MessageTable, RecipientTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type MessageRow = MessageTable;
export type RecipientRow = RecipientTable;
export type EntryRow = MailboxEntryTable;

export async function insertMessage(q: Queryable, message: MessageRow): Promise<void> {
  await q.insertInto('message').values(message).execute();
}

export async function insertRecipients(q: Queryable, recipients: readonly RecipientRow[]): Promise<void> {
  if (recipients.length > 0) await q.insertInto('recipient').values([...recipients]).execute();
}

export type EntryTarget = { mailboxId: string; folder: { name: string } | { specialUse: string }; flags: readonly string[] };

/**
 * Files a message in several folders at once. Each folder row is the lock that orders its UIDs:
 * taking the next UID and MODSEQ in the UPDATE that finds the folder means concurrent
 * deliveries can never commit UIDs out of order. Targets are taken in mailbox order so that
 * concurrent transactions (PostgreSQL) lock folders in one global order and cannot deadlock.
 * Returns the UID per target, in the order given; a missing folder yields null.
 */
export async function fileEntries(
  q: Queryable,
  messageId: string,
  internalDate: number,
  targets: readonly EntryTarget[],
): Promise<({ uid: number; modseq: number } | null)[]> {
  const order = targets.map((_, index) => index).sort((a, b) => (targets[a]!.mailboxId < targets[b]!.mailboxId ? -1 : 1));
  const results: ({ uid: number; modseq: number } | null)[] = targets.map(() => null);
  const rows: MailboxEntryTable[] = [];
  for (const index of order) {
    const target = targets[index]!;
    let update = q
      .updateTable('folder')
      .set({ uid_next: sql`uid_next + 1`, highest_modseq: sql`highest_modseq + 1` })
      .where('mailbox_id', '=', target.mailboxId);
    update = 'name' in target.folder ? update.where('name', '=', target.folder.name) : update.where('special_use', '=', target.folder.specialUse);
    const folder = await update.returning(['id', 'uid_next', 'highest_modseq']).executeTakeFirst();
    if (!folder) continue;
    const uid = folder.uid_next - 1;
    results[index] = { uid, modseq: folder.highest_modseq };
    rows.push({ folder_id: folder.id, uid, message_id: messageId, mailbox_id: target.mailboxId, flags: target.flags.join(' '), modseq: folder.highest_modseq, internal_date: internalDate });
  }
  if (rows.length > 0) await q.insertInto('mailbox_entry').values(rows).execute();
  return results;
}

export async function findMessage(q: Queryable, id: string): Promise<MessageRow | undefined> {
  const row = await q.selectFrom('message').selectAll().where('id', '=', id).executeTakeFirst();
  // node:sqlite returns BLOBs as Uint8Array; the rest of Missive expects Buffer.
  if (row?.wrapped_key) row.wrapped_key = Buffer.from(row.wrapped_key);
  return row;
}

export async function recipientsOf(q: Queryable, messageId: string): Promise<RecipientRow[]> {
  return q.selectFrom('recipient').selectAll().where('message_id', '=', messageId).orderBy('address').execute();
}

export type ListedEntry = {
  uid: number;
  flags: string;
  modseq: number;
  internalDate: number;
  messageId: string;
  sender: string;
  subject: string | null;
  size: number;
  hasAttachments: boolean;
  purged: boolean;
};

export async function listEntries(q: Queryable, folderId: string, page: { limit: number; beforeUid?: number }): Promise<ListedEntry[]> {
  let query = q
    .selectFrom('mailbox_entry as e')
    .innerJoin('message as m', 'm.id', 'e.message_id')
    .select(['e.uid', 'e.flags', 'e.modseq', 'e.internal_date', 'm.id', 'm.sender', 'm.subject', 'm.size', 'm.has_attachments', 'm.purged_at'])
    .where('e.folder_id', '=', folderId);
  if (page.beforeUid !== undefined) query = query.where('e.uid', '<', page.beforeUid);
  const rows = await query.orderBy('e.uid', 'desc').limit(page.limit).execute();
  return rows.map((row) => ({
    uid: row.uid,
    flags: row.flags,
    modseq: row.modseq,
    internalDate: row.internal_date,
    messageId: row.id,
    sender: row.sender,
    subject: row.subject,
    size: row.size,
    hasAttachments: row.has_attachments === 1,
    purged: row.purged_at !== null,
  }));
}

/** The mailboxes in which a message is filed: the read right on any of them lets one open it. */
export async function mailboxesHolding(q: Queryable, messageId: string): Promise<string[]> {
  const rows = await q.selectFrom('mailbox_entry').select('mailbox_id').distinct().where('message_id', '=', messageId).execute();
  return rows.map((row) => row.mailbox_id);
}

/** Records the first opening by a recipient mailbox; returns the addresses that were opened just now. */
export async function markOpened(q: Queryable, messageId: string, mailboxId: string, at: number): Promise<string[]> {
  const rows = await q
    .updateTable('recipient')
    .set({ opened_at: at })
    .where('message_id', '=', messageId)
    .where('mailbox_id', '=', mailboxId)
    .where('opened_at', 'is', null)
    .returning('address')
    .execute();
  return rows.map((row) => row.address);
}

export async function contentExpiredBefore(q: Queryable, before: number, limit: number): Promise<MessageRow[]> {
  return q
    .selectFrom('message')
    .selectAll()
    .where('purged_at', 'is', null)
    .where('received_at', '<', before)
    .orderBy('received_at')
    .limit(limit)
    .execute();
}

/**
 * Crypto-shredding: the wrapped data key goes first, in the same commit as everything that
 * describes the content (subject, index, folder entries). The blob becomes unreadable at that
 * commit, wherever copies of it lie; removing the file is then only housekeeping.
 */
export async function shredContent(q: Queryable, messageId: string, at: number): Promise<number> {
  const result = await q
    .updateTable('message')
    .set({ wrapped_key: null, subject: null, index_json: null, purged_at: at })
    .where('id', '=', messageId)
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  const folders = await q.selectFrom('mailbox_entry').select('folder_id').distinct().where('message_id', '=', messageId).execute();
  await q.deleteFrom('mailbox_entry').where('message_id', '=', messageId).execute();
  // Expunges are changes a resynchronising client must see.
  for (const { folder_id } of folders) {
    await q.updateTable('folder').set({ highest_modseq: sql`highest_modseq + 1` }).where('id', '=', folder_id).execute();
  }
  return Number(result.numUpdatedRows);
}

export async function purgedWithBlob(q: Queryable, limit: number): Promise<{ id: string; blob_key: string }[]> {
  const rows = await q
    .selectFrom('message')
    .select(['id', 'blob_key'])
    .where('purged_at', 'is not', null)
    .where('blob_key', 'is not', null)
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.blob_key ? [{ id: row.id, blob_key: row.blob_key }] : []));
}

export async function forgetBlob(q: Queryable, messageId: string): Promise<void> {
  await q.updateTable('message').set({ blob_key: null }).where('id', '=', messageId).execute();
}

/** Every blob the database still points at, for the consistency checks. */
export async function liveBlobKeys(q: Queryable): Promise<{ id: string; blob_key: string }[]> {
  const rows = await q.selectFrom('message').select(['id', 'blob_key']).where('purged_at', 'is', null).execute();
  return rows.flatMap((row) => (row.blob_key ? [{ id: row.id, blob_key: row.blob_key }] : []));
}
