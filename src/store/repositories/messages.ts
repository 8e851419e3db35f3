import { sql, type Insertable } from 'kysely';
import type { AuditLogTable, MailboxEntryTable, MessageTable, OutboundQueueTable, ProofEventTable, RecipientTable, VaultItemTable } from '../schema.ts';
import { recordExpunge } from './expunged.ts';
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

/** Where to file a message; a `required` folder that does not exist fails the whole transaction. */
export type EntryTarget = {
  mailboxId: string;
  folder: { name: string } | { specialUse: string };
  flags: readonly string[];
  required: boolean;
  /** The internal date when the client gave one (IMAP APPEND); else when the message was received. */
  internalDate?: number;
};

/** One deposit ready to be written: every row but the entries, whose UIDs the batch allocates. */
export type DepositRows = {
  message: MessageRow;
  /** The ciphertext when the message is stored inline. */
  inlineContent: Buffer | null;
  recipients: RecipientRow[];
  targets: EntryTarget[];
  events: ProofEventRow[];
  /** Copies for other operators, queued in the same transaction. */
  outbound: OutboundQueueTable[];
  /** Copies for recipients outside the trust space, kept in the vault. */
  vault: VaultItemTable[];
  audit: AuditRow;
};

type ProofEventRow = Insertable<ProofEventTable>;
type AuditRow = Insertable<AuditLogTable>;

const ROWS_PER_INSERT = 200;

/**
 * Writes a batch of deposits with a handful of statements whatever its size. Each distinct
 * folder is bumped once by the number of entries it receives (`UPDATE … RETURNING` takes the
 * row lock that orders UIDs, so concurrent transactions never commit UIDs out of order), and
 * the UIDs of that range go to the deposits in batch order. Folders are locked in one global
 * order (mailbox id, then folder) so concurrent PostgreSQL transactions cannot deadlock.
 * Returns, per deposit and per target, the UID filed (null where the folder does not exist).
 */
export async function fileDeposits(q: Queryable, deposits: readonly DepositRows[]): Promise<(number | null)[][]> {
  const groups = new Map<string, { target: EntryTarget; slots: { deposit: number; target: number }[] }>();
  deposits.forEach((deposit, d) =>
    deposit.targets.forEach((target, t) => {
      const key = `${target.mailboxId}\u0000${'name' in target.folder ? `n:${target.folder.name}` : `u:${target.folder.specialUse}`}`;
      const group = groups.get(key) ?? { target, slots: [] };
      group.slots.push({ deposit: d, target: t });
      groups.set(key, group);
    }),
  );
  const uids: (number | null)[][] = deposits.map((deposit) => deposit.targets.map(() => null));
  const entries: MailboxEntryTable[] = [];
  for (const key of [...groups.keys()].sort()) {
    const { target, slots } = groups.get(key)!;
    const count = slots.length;
    let update = q
      .updateTable('folder')
      .set({ uid_next: sql`uid_next + ${count}`, highest_modseq: sql`highest_modseq + ${count}` })
      .where('mailbox_id', '=', target.mailboxId);
    update = 'name' in target.folder ? update.where('name', '=', target.folder.name) : update.where('special_use', '=', target.folder.specialUse);
    const folder = await update.returning(['id', 'uid_next', 'highest_modseq']).executeTakeFirst();
    if (!folder) {
      if (target.required) throw new Error(`mailbox ${target.mailboxId} has no ${JSON.stringify(target.folder)} folder`);
      continue;
    }
    slots.forEach((slot, index) => {
      const deposit = deposits[slot.deposit]!;
      const uid = folder.uid_next - count + index;
      uids[slot.deposit]![slot.target] = uid;
      entries.push({
        folder_id: folder.id,
        uid,
        message_id: deposit.message.id,
        mailbox_id: target.mailboxId,
        flags: deposit.targets[slot.target]!.flags.join(' '),
        modseq: folder.highest_modseq - count + index + 1,
        internal_date: deposit.targets[slot.target]!.internalDate ?? deposit.message.received_at,
      });
    });
  }
  await insertAll(deposits.map((deposit) => deposit.message), (rows) => q.insertInto('message').values(rows).execute());
  const contents = deposits.flatMap((deposit) => (deposit.inlineContent ? [{ message_id: deposit.message.id, ciphertext: deposit.inlineContent }] : []));
  await insertAll(contents, (rows) => q.insertInto('message_content').values(rows).execute(), 16);
  await insertAll(entries, (rows) => q.insertInto('mailbox_entry').values(rows).execute());
  await insertAll(deposits.flatMap((deposit) => deposit.recipients), (rows) => q.insertInto('recipient').values(rows).execute());
  await insertAll(deposits.flatMap((deposit) => deposit.events), (rows) => q.insertInto('proof_event').values(rows).execute());
  await insertAll(deposits.flatMap((deposit) => deposit.outbound), (rows) => q.insertInto('outbound_queue').values(rows).execute());
  await insertAll(deposits.flatMap((deposit) => deposit.vault), (rows) => q.insertInto('vault_item').values(rows).execute());
  await insertAll(deposits.map((deposit) => deposit.audit), (rows) => q.insertInto('audit_log').values(rows).execute());
  return uids;
}

// Bounded statements: SQLite caps bound parameters per statement.
async function insertAll<T>(rows: readonly T[], insert: (rows: T[]) => Promise<unknown>, perStatement = ROWS_PER_INSERT): Promise<void> {
  for (let start = 0; start < rows.length; start += perStatement) await insert(rows.slice(start, start + perStatement));
}

export async function findMessage(q: Queryable, id: string): Promise<MessageRow | undefined> {
  const row = await q.selectFrom('message').selectAll().where('id', '=', id).executeTakeFirst();
  // node:sqlite returns BLOBs as Uint8Array; the rest of Missive expects Buffer.
  if (row?.wrapped_key) row.wrapped_key = Buffer.from(row.wrapped_key);
  return row;
}

export async function inlineContent(q: Queryable, messageId: string): Promise<Buffer | undefined> {
  const row = await q.selectFrom('message_content').select('ciphertext').where('message_id', '=', messageId).executeTakeFirst();
  return row ? Buffer.from(row.ciphertext) : undefined;
}

/** Keeps encoded IMAP envelopes; a message purged meanwhile keeps none. */
export async function keepImapEnvelopes(q: Queryable, envelopes: readonly { id: string; envelope: string }[]): Promise<void> {
  for (const { id, envelope } of envelopes) {
    await q.updateTable('message').set({ imap_envelope: envelope }).where('id', '=', id).where('imap_envelope', 'is', null).where('purged_at', 'is', null).execute();
  }
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
  fromName: string | null;
  subject: string | null;
  size: number;
  hasAttachments: boolean;
};

export async function listEntries(q: Queryable, folderId: string, page: { limit: number; beforeUid?: number }): Promise<ListedEntry[]> {
  let query = q
    .selectFrom('mailbox_entry as e')
    .innerJoin('message as m', 'm.id', 'e.message_id')
    .select(LISTED_COLUMNS)
    .where('e.folder_id', '=', folderId);
  if (page.beforeUid !== undefined) query = query.where('e.uid', '<', page.beforeUid);
  const rows = await query.orderBy('e.uid', 'desc').limit(page.limit).execute();
  return rows.map(listedEntry);
}

export const LISTED_COLUMNS = ['e.uid', 'e.flags', 'e.modseq', 'e.internal_date', 'm.id', 'm.sender', 'm.from_name', 'm.subject', 'm.size', 'm.has_attachments'] as const;

export function listedEntry(row: {
  uid: number;
  flags: string;
  modseq: number;
  internal_date: number;
  id: string;
  sender: string;
  from_name: string | null;
  subject: string | null;
  size: number;
  has_attachments: number;
}): ListedEntry {
  return {
    uid: Number(row.uid),
    flags: row.flags,
    modseq: Number(row.modseq),
    internalDate: Number(row.internal_date),
    messageId: row.id,
    sender: row.sender,
    fromName: row.from_name,
    subject: row.subject,
    size: Number(row.size),
    hasAttachments: row.has_attachments === 1,
  };
}

export type FolderCount = { name: string; specialUse: string | null; total: number; unread: number };

/** Every folder of a mailbox with its message and unread counts (unread: no \\Seen flag). */
export async function folderCounts(q: Queryable, mailboxId: string): Promise<FolderCount[]> {
  const rows = await q
    .selectFrom('folder as f')
    .leftJoin('mailbox_entry as e', 'e.folder_id', 'f.id')
    .select((eb) => [
      'f.name',
      'f.special_use',
      eb.fn.count<number>('e.uid').as('total'),
      eb.fn.sum<number>(eb.case().when('e.flags', 'not like', '%\\Seen%').then(1).else(0).end()).as('unread'),
    ])
    .where('f.mailbox_id', '=', mailboxId)
    .groupBy(['f.name', 'f.special_use'])
    .orderBy('f.name')
    .execute();
  return rows.map((row) => ({ name: row.name, specialUse: row.special_use, total: Number(row.total), unread: Number(row.unread ?? 0) }));
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

/** The first opening of a vault copy, on its recipient row (no mailbox): true when this call made it. */
export async function markVaultRecipientOpened(q: Queryable, messageId: string, address: string, at: number): Promise<boolean> {
  const rows = await q
    .updateTable('recipient')
    .set({ opened_at: at })
    .where('message_id', '=', messageId)
    .where('address', '=', address)
    .where('route', '=', 'vault')
    .where('opened_at', 'is', null)
    .returning('address')
    .execute();
  return rows.length > 0;
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
    .set({ wrapped_key: null, subject: null, from_name: null, search_text: null, index_json: null, imap_envelope: null, purged_at: at })
    .where('id', '=', messageId)
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  await q.deleteFrom('message_content').where('message_id', '=', messageId).execute();
  await q.updateTable('message').set({ blob_key: null }).where('id', '=', messageId).where('storage', '=', 'inline').execute();
  const entries = await q.selectFrom('mailbox_entry').select(['folder_id', 'uid']).where('message_id', '=', messageId).execute();
  // Expunges are changes a resynchronising client must see.
  for (const entry of entries) await recordExpunge(q, entry.folder_id, Number(entry.uid));
  await q.deleteFrom('mailbox_entry').where('message_id', '=', messageId).execute();
  return Number(result.numUpdatedRows);
}

export async function purgedWithBlob(q: Queryable, limit: number): Promise<{ id: string; blob_key: string }[]> {
  const rows = await q
    .selectFrom('message')
    .select(['id', 'blob_key'])
    .where('purged_at', 'is not', null)
    .where('storage', '=', 'blob')
    .where('blob_key', 'is not', null)
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.blob_key ? [{ id: row.id, blob_key: row.blob_key }] : []));
}

/** Which of these blob keys a message row still names (purged rows whose file is not yet gone included). */
export async function referencedBlobKeys(q: Queryable, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await q.selectFrom('message').select('blob_key').where('blob_key', 'in', keys).execute();
  return new Set(rows.flatMap((row) => (row.blob_key ? [row.blob_key] : [])));
}

export async function forgetBlob(q: Queryable, messageId: string): Promise<void> {
  await q.updateTable('message').set({ blob_key: null }).where('id', '=', messageId).execute();
}

