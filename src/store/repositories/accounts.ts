import { sql, type Insertable, type Selectable } from 'kysely';
import { SPECIAL_FOLDERS, type MailboxKind, type Rights } from '../../core/mailbox.ts';
import { newId } from '../ids.ts';
import type { Flag, FolderTable, MailboxTable, StructureTable, UserAccountTable } from '../schema.ts';
import { prepared } from './prepared.ts';
import type { Queryable } from './queryable.ts';

export type MailboxRow = Selectable<MailboxTable>;
export type UserRow = UserAccountTable;
export type FolderRow = FolderTable;

const flag = (value: boolean): Flag => (value ? 1 : 0);

export async function addOperatorDomain(q: Queryable, domain: string, at: number): Promise<void> {
  await q.insertInto('operator_domain').values({ domain, created_at: at }).onConflict((c) => c.doNothing()).execute();
}

export async function listOperatorDomains(q: Queryable): Promise<string[]> {
  const rows = await q.selectFrom('operator_domain').select('domain').orderBy('domain').execute();
  return rows.map((row) => row.domain);
}

export async function insertStructure(q: Queryable, structure: Omit<Insertable<StructureTable>, 'id'> & { id?: string }): Promise<string> {
  const id = structure.id ?? newId('str');
  await q.insertInto('structure').values({ ...structure, id }).execute();
  return id;
}

export async function listStructures(q: Queryable): Promise<StructureTable[]> {
  return q.selectFrom('structure').selectAll().orderBy('name').execute();
}

export async function findStructure(q: Queryable, id: string): Promise<StructureTable | undefined> {
  return q.selectFrom('structure').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(q: Queryable, user: Insertable<UserAccountTable>): Promise<void> {
  await q.insertInto('user_account').values(user).execute();
}

export async function findUser(q: Queryable, id: string): Promise<UserRow | undefined> {
  return q.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(q: Queryable): Promise<UserRow[]> {
  return q.selectFrom('user_account').selectAll().orderBy('id').execute();
}

/** Creates the mailbox and its special folders together: a mailbox never exists without its Inbox. */
export async function insertMailbox(
  q: Queryable,
  mailbox: { address: string; addressKey: string; kind: MailboxKind; displayName: string; structureId: string | null; listeRouge: boolean },
  at: number,
): Promise<string> {
  const id = newId('mbx');
  await q
    .insertInto('mailbox')
    .values({
      id,
      address: mailbox.address,
      address_key: mailbox.addressKey,
      kind: mailbox.kind,
      display_name: mailbox.displayName,
      structure_id: mailbox.structureId,
      liste_rouge: flag(mailbox.listeRouge),
      created_at: at,
    })
    .execute();
  // UIDVALIDITY must change if a folder name is ever reused; seconds since the epoch do that.
  const uidvalidity = Math.floor(at / 1000) % 0xffffffff;
  await q
    .insertInto('folder')
    .values(
      SPECIAL_FOLDERS.map((folder) => ({
        id: newId('fld'),
        mailbox_id: id,
        name: folder.name,
        special_use: folder.specialUse,
        uidvalidity,
        uid_next: 1,
        highest_modseq: 1,
        created_at: at,
      })),
    )
    .execute();
  return id;
}

export async function findMailboxByKey(q: Queryable, addressKey: string): Promise<MailboxRow | undefined> {
  return q.selectFrom('mailbox').selectAll().where('address_key', '=', addressKey).executeTakeFirst();
}

export async function findMailboxesByKeys(q: Queryable, addressKeys: readonly string[]): Promise<MailboxRow[]> {
  if (addressKeys.length === 0) return [];
  return mailboxesByKeysQuery(q, addressKeys);
}

// Every deposit resolves its recipients with it: compiled once per number of addresses.
const mailboxesByKeysQuery = prepared(
  (q, addressKeys: readonly string[]) => q.selectFrom('mailbox').selectAll().where('address_key', 'in', addressKeys),
  (addressKeys) => String(addressKeys.length),
);

export async function findMailbox(q: Queryable, id: string): Promise<MailboxRow | undefined> {
  return q.selectFrom('mailbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listMailboxes(q: Queryable): Promise<MailboxRow[]> {
  return q.selectFrom('mailbox').selectAll().orderBy('address_key').execute();
}

export async function setMember(q: Queryable, mailboxId: string, userId: string, rights: Rights, at: number): Promise<void> {
  const values = { can_read: flag(rights.read), can_send: flag(rights.send), can_manage: flag(rights.manage) };
  await q
    .insertInto('mailbox_member')
    .values({ mailbox_id: mailboxId, user_id: userId, ...values, created_at: at })
    .onConflict((c) => c.columns(['mailbox_id', 'user_id']).doUpdateSet(values))
    .execute();
}

export type MemberRow = { mailboxId: string; userId: string; rights: Rights };

export async function membersOf(q: Queryable, mailboxId: string): Promise<MemberRow[]> {
  const rows = await q.selectFrom('mailbox_member').selectAll().where('mailbox_id', '=', mailboxId).orderBy('user_id').execute();
  return rows.map(toMember);
}

/** A disabled user's memberships carry no rights: they are simply not returned. */
function activeMembers(q: Queryable) {
  return q
    .selectFrom('mailbox_member as m')
    .innerJoin('user_account as u', 'u.id', 'm.user_id')
    .select(['m.mailbox_id', 'm.user_id', 'm.can_read', 'm.can_send', 'm.can_manage'])
    .where('u.disabled_at', 'is', null);
}

export async function membershipsOfUser(q: Queryable, userId: string): Promise<MemberRow[]> {
  const rows = await activeMembers(q).where('m.user_id', '=', userId).execute();
  return rows.map(toMember);
}

export async function membership(q: Queryable, userId: string, mailboxId: string): Promise<MemberRow | undefined> {
  const [row] = await membershipQuery(q, userId, mailboxId);
  return row ? toMember(row) : undefined;
}

// Asked before every read of a mailbox (each batch of an IMAP FETCH of bodies, each web request): compiled once.
const membershipQuery = prepared((q, userId: string, mailboxId: string) => activeMembers(q).where('m.user_id', '=', userId).where('m.mailbox_id', '=', mailboxId));

export type MailboxAndMembership = { mailbox: MailboxRow; member: MemberRow | undefined };

/** The mailbox at an address and, in the same query, a user's active membership of it. */
export async function mailboxAndMembership(q: Queryable, addressKey: string, userId: string): Promise<MailboxAndMembership | undefined> {
  return (await mailboxesAndMemberships(q, [addressKey], userId)).get(addressKey);
}

/**
 * The mailboxes at some addresses, by address key, each with a user's active membership of it:
 * one query for a deposit's sender right and its recipients' mailboxes (each read of the
 * database after a write begins by dropping the connection's page cache: fewer reads, less of that).
 */
export async function mailboxesAndMemberships(q: Queryable, addressKeys: readonly string[], userId: string): Promise<Map<string, MailboxAndMembership>> {
  const found = new Map<string, MailboxAndMembership>();
  if (addressKeys.length === 0) return found;
  for (const row of await mailboxesAndMembershipsQuery(q, userId, addressKeys)) {
    // Named one by one: a rest pattern (`...mailbox`) copies through V8's slow generic path, per row.
    const mailbox: MailboxRow = {
      id: row.id,
      address: row.address,
      address_key: row.address_key,
      kind: row.kind,
      display_name: row.display_name,
      structure_id: row.structure_id,
      liste_rouge: row.liste_rouge,
      directory_hidden: row.directory_hidden,
      created_at: row.created_at,
    };
    // A disabled user's membership carries no rights, as in activeMembers.
    const member = row.active_user_id === null ? undefined : toMember({ mailbox_id: mailbox.id, user_id: row.active_user_id, can_read: row.can_read!, can_send: row.can_send!, can_manage: row.can_manage! });
    found.set(mailbox.address_key, { mailbox, member });
  }
  return found;
}

// Asked for every message submitted: plain joins (a derived table would be materialised for
// every membership of the user), compiled once per number of addresses (see prepared.ts).
const mailboxesAndMembershipsQuery = prepared(
  (q, userId: string, addressKeys: readonly string[]) =>
    q
      .selectFrom('mailbox as b')
      .leftJoin('mailbox_member as m', (join) => join.onRef('m.mailbox_id', '=', 'b.id').on('m.user_id', '=', userId))
      .leftJoin('user_account as u', (join) => join.onRef('u.id', '=', 'm.user_id').on('u.disabled_at', 'is', null))
      .selectAll('b')
      .select(['u.id as active_user_id', 'm.can_read', 'm.can_send', 'm.can_manage'])
      // address_key is unique. No LIMIT: a bound LIMIT makes SQLite prepare the statement again at every run.
      .where('b.address_key', 'in', addressKeys),
  (_userId, addressKeys) => String(addressKeys.length),
);

function toMember(row: { mailbox_id: string; user_id: string; can_read: number; can_send: number; can_manage: number }): MemberRow {
  return {
    mailboxId: row.mailbox_id,
    userId: row.user_id,
    rights: { read: row.can_read === 1, send: row.can_send === 1, manage: row.can_manage === 1 },
  };
}

export async function foldersOf(q: Queryable, mailboxId: string): Promise<FolderRow[]> {
  return q.selectFrom('folder').selectAll().where('mailbox_id', '=', mailboxId).orderBy('name').execute();
}

/**
 * A folder of a mailbox the user may read (an active member with the read right), with the
 * mailbox's address, in one query: listing a folder page starts here.
 */
export async function folderReadableByUser(
  q: Queryable,
  request: { userId: string; mailboxId: string; folder: string },
): Promise<{ address: string; folderId: string; name: string; uidvalidity: number } | undefined> {
  const row = await q
    .selectFrom('mailbox_member as m')
    .innerJoin('user_account as u', 'u.id', 'm.user_id')
    .innerJoin('mailbox as b', 'b.id', 'm.mailbox_id')
    .innerJoin('folder as f', 'f.mailbox_id', 'm.mailbox_id')
    .select(['b.address', 'f.id as folderId', 'f.name', 'f.uidvalidity'])
    .where('m.user_id', '=', request.userId)
    .where('m.mailbox_id', '=', request.mailboxId)
    .where('m.can_read', '=', 1)
    .where('u.disabled_at', 'is', null)
    .where('f.name', '=', request.folder)
    .executeTakeFirst();
  return row ? { ...row, uidvalidity: Number(row.uidvalidity) } : undefined;
}

export async function folderByName(q: Queryable, mailboxId: string, name: string): Promise<FolderRow | undefined> {
  return q.selectFrom('folder').selectAll().where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirst();
}

