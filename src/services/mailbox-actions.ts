import { MissiveError } from '../core/errors.ts';
import type { Rights } from '../core/mailbox.ts';
import { describePrincipal, mayAct, type Principal } from '../core/principal.ts';
import { searchTerms } from '../core/search-text.ts';
import { findMailbox, folderByName, foldersOf, membership, type FolderRow } from '../store/repositories/accounts.ts';
import { appendAudit } from '../store/repositories/audit.ts';
import { findEntry, moveEntry, removeEntry, searchEntries, setEntryFlags, type EntryRow, type FoundEntry } from '../store/repositories/entries.ts';
import type { ServiceContext } from './context.ts';
import { holdsRight } from './rights.ts';

/** Where a person points: one message in one folder of one mailbox. */
export type EntryRef = { mailboxId: string; folder: string; uid: number };

/**
 * Flags need the read right (marking read or unread is part of reading); moving and deleting
 * change what the other members of a shared mailbox see, so they need the manage right.
 * Without the read right, everything here is "not found".
 */
async function locate(ctx: ServiceContext, principal: Principal, ref: EntryRef, right: keyof Rights): Promise<{ folder: FolderRow; entry: EntryRow }> {
  const mailbox = await findMailbox(ctx.sql.read, ref.mailboxId);
  const member = mailbox && principal.kind === 'user' ? await membership(ctx.sql.read, principal.userId, mailbox.id) : undefined;
  const folder = mailbox && mayAct(principal, mailbox.id, 'read', member) ? await folderByName(ctx.sql.read, mailbox.id, ref.folder) : undefined;
  const entry = folder ? await findEntry(ctx.sql.read, folder.id, ref.uid) : undefined;
  if (!folder || !entry) throw new MissiveError('not_found', 'no such message in this folder');
  if (!mayAct(principal, ref.mailboxId, right, member)) throw new MissiveError('forbidden', `you may not ${right === 'manage' ? 'move or delete messages in' : 'change'} this mailbox`);
  return { folder, entry };
}

const SETTABLE = { seen: '\\Seen', flagged: '\\Flagged' } as const;

export async function setFlags(ctx: ServiceContext, principal: Principal, ref: EntryRef, change: { seen?: boolean; flagged?: boolean }): Promise<{ uid: number; flags: string }> {
  const { folder, entry } = await locate(ctx, principal, ref, 'read');
  const flags = new Set(entry.flags.split(' ').filter(Boolean));
  for (const [key, flag] of Object.entries(SETTABLE) as [keyof typeof SETTABLE, string][]) {
    if (change[key] === true) flags.add(flag);
    if (change[key] === false) flags.delete(flag);
  }
  const next = [...flags].sort().join(' ');
  if (next !== entry.flags) {
    await ctx.sql.write((trx) => setEntryFlags(trx, folder.id, entry.uid, next));
    ctx.changes.publish({ mailboxId: ref.mailboxId, kind: 'changed', folder: folder.name });
  }
  return { uid: entry.uid, flags: next };
}

export async function moveMessage(ctx: ServiceContext, principal: Principal, ref: EntryRef, to: string): Promise<{ folder: string; uid: number }> {
  const { folder, entry } = await locate(ctx, principal, ref, 'manage');
  const target = await folderByName(ctx.sql.read, ref.mailboxId, to);
  if (!target) throw new MissiveError('not_found', `no folder ${to} in this mailbox`);
  if (target.id === folder.id) return { folder: folder.name, uid: entry.uid };
  const uid = await ctx.sql.write(async (trx) => {
    // Re-read inside the transaction: a concurrent move or delete may have taken it already.
    const current = await findEntry(trx, folder.id, entry.uid);
    if (!current) throw new MissiveError('not_found', 'no such message in this folder');
    const moved = await moveEntry(trx, current, target.id);
    await appendAudit(trx, { at: ctx.clock(), actor: describePrincipal(principal), action: 'message.move', target: entry.messageId, result: 'ok', detail: { mailbox: ref.mailboxId, from: folder.name, to: target.name } });
    return moved;
  });
  ctx.changes.publish({ mailboxId: ref.mailboxId, kind: 'changed', folder: folder.name });
  return { folder: target.name, uid };
}

/** Delete goes to the Trash; deleting from the Trash removes the message from this mailbox for good. */
export async function deleteMessage(ctx: ServiceContext, principal: Principal, ref: EntryRef): Promise<{ folder: string; uid: number } | null> {
  const { folder, entry } = await locate(ctx, principal, ref, 'manage');
  if (folder.special_use !== '\\Trash') {
    const trash = (await foldersOf(ctx.sql.read, ref.mailboxId)).find((candidate) => candidate.special_use === '\\Trash')?.name;
    if (trash) return moveMessage(ctx, principal, ref, trash);
  }
  await ctx.sql.write(async (trx) => {
    if (!(await findEntry(trx, folder.id, entry.uid))) throw new MissiveError('not_found', 'no such message in this folder');
    await removeEntry(trx, folder.id, entry.uid);
    await appendAudit(trx, { at: ctx.clock(), actor: describePrincipal(principal), action: 'message.delete', target: entry.messageId, result: 'ok', detail: { mailbox: ref.mailboxId, folder: folder.name } });
  });
  ctx.changes.publish({ mailboxId: ref.mailboxId, kind: 'changed', folder: folder.name });
  return null;
}

export async function searchMailbox(ctx: ServiceContext, principal: Principal, mailboxId: string, query: string, limit: number): Promise<FoundEntry[]> {
  const mailbox = await findMailbox(ctx.sql.read, mailboxId);
  if (!mailbox || !(await holdsRight(ctx, principal, mailbox.id, 'read'))) throw new MissiveError('not_found', `no mailbox ${mailboxId} readable by you`);
  const terms = searchTerms(query);
  if (terms.length === 0) throw new MissiveError('invalid_argument', 'say what to search for');
  return searchEntries(ctx.sql.read, mailbox.id, terms, Math.min(Math.max(limit, 1), 200));
}
