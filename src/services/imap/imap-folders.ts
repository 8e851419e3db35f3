import { sql } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { Rights } from '../../core/mailbox.ts';
import { describePrincipal } from '../../core/principal.ts';
import { findMailbox, foldersOf, membership, membershipsOfUser } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { copyEntry, findEntry, removeEntry } from '../../store/repositories/entries.ts';
import { newId } from '../../store/ids.ts';
import type { ServiceContext } from '../context.ts';
import { holdsRight } from '../rights.ts';

/** The prefix of the other mailboxes a user works in (RFC 2342 shared namespace). */
export const SHARED_PREFIX = 'Shared/';

/** A folder as an IMAP client sees it: its path, where it lives, and what the user may do there. */
export type ImapFolder = {
  path: string;
  mailboxId: string;
  mailboxAddress: string;
  folderId: string;
  /** The folder's own name in its mailbox. */
  name: string;
  specialUse: string | null;
  rights: Rights;
};

/**
 * Every folder a user may read, named as IMAP shows them: the folders of their personal mailbox
 * at the top (its Inbox as INBOX), those of the organisational mailboxes and delegations they
 * belong to under `Shared/<address>/`.
 */
export async function imapFolders(ctx: ServiceContext, userId: string): Promise<ImapFolder[]> {
  const memberships = (await membershipsOfUser(ctx.sql.read, userId)).filter((member) => member.rights.read);
  const mailboxes = (await Promise.all(memberships.map(async (member) => ({ member, mailbox: await findMailbox(ctx.sql.read, member.mailboxId) })))).filter(
    (item): item is typeof item & { mailbox: NonNullable<typeof item.mailbox> } => item.mailbox !== undefined,
  );
  mailboxes.sort((a, b) => a.mailbox.address.localeCompare(b.mailbox.address));
  // The personal mailbox: the user's own nominative one (the first, if an account has several).
  const personal = mailboxes.find((item) => item.mailbox.kind === 'PER' && item.member.rights.manage);
  const folders: ImapFolder[] = [];
  for (const { member, mailbox } of mailboxes) {
    for (const folder of await foldersOf(ctx.sql.read, mailbox.id)) {
      folders.push({
        path: mailbox.id === personal?.mailbox.id ? folder.name : `${SHARED_PREFIX}${mailbox.address}/${folder.name}`,
        mailboxId: mailbox.id,
        mailboxAddress: mailbox.address,
        folderId: folder.id,
        name: folder.name,
        specialUse: folder.special_use,
        rights: member.rights,
      });
    }
  }
  return folders;
}

/** The folder at a path (INBOX in any case), or null when the user has none there. */
export async function findImapFolder(ctx: ServiceContext, userId: string, path: string): Promise<ImapFolder | null> {
  const wanted = path.toUpperCase() === 'INBOX' ? 'INBOX' : path;
  return (await imapFolders(ctx, userId)).find((folder) => folder.path === wanted) ?? null;
}

/** The folder at a path, or `not_found`. */
export async function imapFolder(ctx: ServiceContext, userId: string, path: string): Promise<ImapFolder> {
  const found = await findImapFolder(ctx, userId, path);
  if (!found) throw new MissiveError('not_found', `no folder ${path}`);
  return found;
}

/** UIDs as runs of consecutive numbers, `[first, last]`, ascending. */
export type UidRuns = [number, number][];

export type FolderState = { uidValidity: number; uidNext: number; highestModseq: number; uidRuns: UidRuns; firstUnseenUid: number | null };

/** What SELECT needs: the folder's counters and its UIDs in order (sequence numbers follow); no flags, no messages. */
export async function folderState(ctx: ServiceContext, folderId: string): Promise<FolderState> {
  const q = ctx.sql.read;
  const folder = await q.selectFrom('folder').select(['uidvalidity', 'uid_next', 'highest_modseq']).where('id', '=', folderId).executeTakeFirstOrThrow();
  const unseen = await q
    .selectFrom('mailbox_entry')
    .select((eb) => eb.fn.min('uid').as('uid'))
    .where('folder_id', '=', folderId)
    // Without the backslash: LIKE escapes differ between SQLite and PostgreSQL. A keyword that
    // contains "Seen" would only hide a message from this first-unseen hint.
    .where('flags', 'not like', '%Seen%')
    .executeTakeFirst();
  return {
    uidValidity: Number(folder.uidvalidity),
    uidNext: Number(folder.uid_next),
    highestModseq: Number(folder.highest_modseq),
    uidRuns: await uidRuns(ctx, folderId),
    firstUnseenUid: unseen?.uid == null ? null : Number(unseen.uid),
  };
}

/**
 * A folder's UIDs as runs. Counted first: a folder with no gap (messages only added, or removed
 * from its ends) is one run and no UID is read. Otherwise the database joins them into one
 * string: a row per UID costs far more than the numbers themselves.
 */
async function uidRuns(ctx: ServiceContext, folderId: string): Promise<UidRuns> {
  const q = ctx.sql.read;
  const span = await q
    .selectFrom('mailbox_entry')
    .select((eb) => [eb.fn.countAll().as('count'), eb.fn.min('uid').as('first'), eb.fn.max('uid').as('last')])
    .where('folder_id', '=', folderId)
    .executeTakeFirstOrThrow();
  const [count, first, last] = [Number(span.count), Number(span.first), Number(span.last)];
  if (count === 0) return [];
  if (last - first + 1 === count) return [[first, last]];
  const joined = ctx.sql.engine === 'postgres' ? sql<string>`string_agg(uid::text, ',' order by uid)` : sql<string>`group_concat(uid, ',' order by uid)`;
  const row = await q.selectFrom('mailbox_entry').select(joined.as('uids')).where('folder_id', '=', folderId).executeTakeFirstOrThrow();
  const runs: UidRuns = [];
  for (const text of row.uids.split(',')) {
    const uid = Number(text);
    const run = runs.at(-1);
    if (run && run[1] + 1 === uid) run[1] = uid;
    else runs.push([uid, uid]);
  }
  return runs;
}

export type FolderCounts = { messages: number; unseen: number; deleted: number; size: number; uidNext: number; uidValidity: number; highestModseq: number };

/** STATUS: counts computed by the database, nothing loaded. */
export async function folderCounts(ctx: ServiceContext, folderId: string): Promise<FolderCounts> {
  const q = ctx.sql.read;
  const folder = await q.selectFrom('folder').select(['uidvalidity', 'uid_next', 'highest_modseq']).where('id', '=', folderId).executeTakeFirstOrThrow();
  const counts = await q
    .selectFrom('mailbox_entry as e')
    .innerJoin('message as m', 'm.id', 'e.message_id')
    .select((eb) => [
      eb.fn.countAll<number>().as('messages'),
      eb.fn.sum<number>(sql`case when e.flags like '%Seen%' then 0 else 1 end`).as('unseen'),
      eb.fn.sum<number>(sql`case when e.flags like '%Deleted%' then 1 else 0 end`).as('deleted'),
      eb.fn.sum<number>('m.size').as('size'),
    ])
    .where('e.folder_id', '=', folderId)
    .executeTakeFirstOrThrow();
  return {
    messages: Number(counts.messages),
    unseen: Number(counts.unseen ?? 0),
    deleted: Number(counts.deleted ?? 0),
    size: Number(counts.size ?? 0),
    uidNext: Number(folder.uid_next),
    uidValidity: Number(folder.uidvalidity),
    highestModseq: Number(folder.highest_modseq),
  };
}

export type FlagChange = { mode: 'set' | 'add' | 'remove'; flags: readonly string[] };

/**
 * STORE: flags of some entries changed, each change with the folder's next MODSEQ, in one
 * transaction; the new flags per UID. Needs more than the read right: a read-only member of a
 * shared mailbox changes nothing there.
 */
export async function storeFlags(ctx: ServiceContext, userId: string, folder: ImapFolder, uids: readonly number[], change: FlagChange): Promise<{ uid: number; flags: string[]; modseq: number }[]> {
  const member = await membership(ctx.sql.read, userId, folder.mailboxId);
  if (!member || !(member.rights.send || member.rights.manage)) throw new MissiveError('forbidden', 'this mailbox is read-only for you');
  const changed = await ctx.sql.write(async (trx) => {
    const out: { uid: number; flags: string[]; modseq: number }[] = [];
    for (let i = 0; i < uids.length; i += 500) {
      const rows = await trx.selectFrom('mailbox_entry').select(['uid', 'flags']).where('folder_id', '=', folder.folderId).where('uid', 'in', uids.slice(i, i + 500)).execute();
      for (const row of rows) {
        const current = new Set(row.flags.split(' ').filter(Boolean));
        const next = change.mode === 'set' ? new Set(change.flags) : new Set(current);
        if (change.mode === 'add') for (const flag of change.flags) next.add(flag);
        if (change.mode === 'remove') for (const flag of change.flags) next.delete(flag);
        const text = [...next].sort().join(' ');
        if (text === [...current].sort().join(' ')) continue;
        const bumped = await trx.updateTable('folder').set({ highest_modseq: sql`highest_modseq + 1` }).where('id', '=', folder.folderId).returning('highest_modseq').executeTakeFirstOrThrow();
        const modseq = Number(bumped.highest_modseq);
        await trx.updateTable('mailbox_entry').set({ flags: text, modseq }).where('folder_id', '=', folder.folderId).where('uid', '=', Number(row.uid)).execute();
        out.push({ uid: Number(row.uid), flags: [...next].sort(), modseq });
      }
    }
    return out;
  });
  if (changed.length > 0) ctx.changes.publish({ mailboxId: folder.mailboxId, kind: 'changed', folder: folder.name });
  return changed;
}

/** Expunging, moving and copying change what every member sees: the manage right. */
async function requireRead(ctx: ServiceContext, userId: string, folder: ImapFolder): Promise<void> {
  if (!(await holdsRight(ctx, { kind: 'user', userId }, folder.mailboxId, 'read'))) throw new MissiveError('forbidden', 'you may not read this mailbox');
}

async function requireManage(ctx: ServiceContext, userId: string, folder: ImapFolder): Promise<void> {
  if (!(await holdsRight(ctx, { kind: 'user', userId }, folder.mailboxId, 'manage'))) throw new MissiveError('forbidden', 'you may not remove, move or copy messages in this mailbox');
}

/** EXPUNGE: the given entries leave the folder (the message stays wherever else it is filed); the UIDs removed. */
export async function expungeEntries(ctx: ServiceContext, userId: string, folder: ImapFolder, uids: readonly number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  await requireManage(ctx, userId, folder);
  const removed = await ctx.sql.write(async (trx) => {
    const gone: number[] = [];
    for (const uid of uids) {
      const entry = await findEntry(trx, folder.folderId, uid);
      if (!entry) continue;
      await removeEntry(trx, folder.folderId, uid);
      gone.push(uid);
    }
    await appendAudit(trx, { at: ctx.clock(), actor: describePrincipal({ kind: 'user', userId }), action: 'imap.expunge', target: folder.folderId, result: 'ok', detail: { count: gone.length } });
    return gone;
  });
  if (removed.length > 0) ctx.changes.publish({ mailboxId: folder.mailboxId, kind: 'changed', folder: folder.name });
  return removed;
}

/**
 * COPY and MOVE between folders of one mailbox: each entry filed under a new UID in the target
 * (and, for MOVE, expunged here), in one transaction. Returns source and target UIDs in order
 * (COPYUID). Across mailboxes a message would change hands: not through IMAP.
 */
export async function copyEntries(ctx: ServiceContext, userId: string, from: ImapFolder, to: ImapFolder, uids: readonly number[], move: boolean): Promise<{ source: number[]; target: number[]; uidValidity: number }> {
  // Within a mailbox, managing it; into another one (a shared mailbox), managing that one too,
  // and the source when the messages leave it. A copy filed elsewhere is not an exchange: no proof.
  await requireManage(ctx, userId, to);
  if (from.mailboxId !== to.mailboxId && !move) await requireRead(ctx, userId, from);
  else await requireManage(ctx, userId, from);
  const result = await ctx.sql.write(async (trx) => {
    const source: number[] = [];
    const target: number[] = [];
    for (const uid of uids) {
      const entry = await findEntry(trx, from.folderId, uid);
      if (!entry) continue;
      target.push(await copyEntry(trx, entry, to.folderId, to.mailboxId));
      if (move) await removeEntry(trx, from.folderId, uid);
      source.push(uid);
    }
    await appendAudit(trx, { at: ctx.clock(), actor: describePrincipal({ kind: 'user', userId }), action: move ? 'imap.move' : 'imap.copy', target: to.folderId, result: 'ok', detail: { count: source.length, from: from.folderId } });
    return { source, target };
  });
  const folder = await ctx.sql.read.selectFrom('folder').select('uidvalidity').where('id', '=', to.folderId).executeTakeFirstOrThrow();
  ctx.changes.publish({ mailboxId: from.mailboxId, kind: 'changed', folder: from.name });
  if (to.mailboxId !== from.mailboxId) ctx.changes.publish({ mailboxId: to.mailboxId, kind: 'changed', folder: to.name });
  return { ...result, uidValidity: Number(folder.uidvalidity) };
}

const FOLDER_NAME = /^[^\x00-\x1f\x7f/*%"\\]{1,100}$/;

/**
 * Where a new folder's path points: a name in the personal mailbox or under
 * `Shared/<address>/`, which the user must manage. One level only (no `/` in names).
 */
async function newFolderPlace(ctx: ServiceContext, userId: string, path: string): Promise<{ mailboxId: string; name: string }> {
  const folders = await imapFolders(ctx, userId);
  let mailboxId: string | undefined;
  let name = path;
  if (path.startsWith(SHARED_PREFIX)) {
    const rest = path.slice(SHARED_PREFIX.length);
    const slash = rest.lastIndexOf('/');
    const address = rest.slice(0, slash);
    name = rest.slice(slash + 1);
    mailboxId = folders.find((folder) => folder.mailboxAddress === address)?.mailboxId;
  } else {
    mailboxId = folders.find((folder) => !folder.path.startsWith(SHARED_PREFIX))?.mailboxId;
  }
  if (!mailboxId) throw new MissiveError('not_found', `no mailbox of yours for ${path}`);
  if (!FOLDER_NAME.test(name) || name.toUpperCase() === 'INBOX') throw new MissiveError('invalid_argument', 'a folder name is 1 to 100 characters, without / * % " \\ or control characters, and not INBOX');
  if (!(await holdsRight(ctx, { kind: 'user', userId }, mailboxId, 'manage'))) throw new MissiveError('forbidden', 'you may not change the folders of this mailbox');
  return { mailboxId, name };
}

export async function createFolder(ctx: ServiceContext, userId: string, path: string): Promise<void> {
  const { mailboxId, name } = await newFolderPlace(ctx, userId, path);
  const now = ctx.clock();
  await ctx.sql.write(async (trx) => {
    if (await trx.selectFrom('folder').select('id').where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirst()) throw new MissiveError('conflict', `${path} already exists`);
    // A new UIDVALIDITY each time, so that a name used again never reuses old UIDs.
    const uidvalidity = Math.floor(now / 1000) % 0xffffffff;
    await trx.insertInto('folder').values({ id: newId('fld'), mailbox_id: mailboxId, name, special_use: null, uidvalidity, uid_next: 1, highest_modseq: 1, created_at: now }).execute();
    await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'folder.create', target: mailboxId, result: 'ok', detail: { name } });
  });
}

/** DELETE: only a folder of one's own making, and only once it is empty (nothing is lost by a slip). */
export async function deleteFolder(ctx: ServiceContext, userId: string, folder: ImapFolder): Promise<void> {
  await requireManage(ctx, userId, folder);
  if (folder.specialUse || folder.name === 'INBOX') throw new MissiveError('invalid_argument', `${folder.path} is a standard folder and stays`);
  await ctx.sql.write(async (trx) => {
    if (await trx.selectFrom('mailbox_entry').select('uid').where('folder_id', '=', folder.folderId).executeTakeFirst()) throw new MissiveError('conflict', `${folder.path} is not empty: move or delete its messages first`);
    await trx.deleteFrom('expunged_entry').where('folder_id', '=', folder.folderId).execute();
    await trx.deleteFrom('folder').where('id', '=', folder.folderId).execute();
    await appendAudit(trx, { at: ctx.clock(), actor: `user:${userId}`, action: 'folder.delete', target: folder.mailboxId, result: 'ok', detail: { name: folder.name } });
  });
}

/** RENAME within the same mailbox; standard folders keep their names. */
export async function renameFolder(ctx: ServiceContext, userId: string, folder: ImapFolder, newPath: string): Promise<void> {
  if (folder.specialUse || folder.name === 'INBOX') throw new MissiveError('invalid_argument', `${folder.path} is a standard folder and keeps its name`);
  const { mailboxId, name } = await newFolderPlace(ctx, userId, newPath);
  if (mailboxId !== folder.mailboxId) throw new MissiveError('invalid_argument', 'a folder stays in its mailbox');
  await ctx.sql.write(async (trx) => {
    if (await trx.selectFrom('folder').select('id').where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirst()) throw new MissiveError('conflict', `${newPath} already exists`);
    await trx.updateTable('folder').set({ name }).where('id', '=', folder.folderId).execute();
    await appendAudit(trx, { at: ctx.clock(), actor: `user:${userId}`, action: 'folder.rename', target: folder.mailboxId, result: 'ok', detail: { from: folder.name, to: name } });
  });
}
