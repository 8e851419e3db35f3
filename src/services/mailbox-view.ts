import { addressKey } from '../core/address.ts';
import { MissiveError } from '../core/errors.ts';
import { formatRights } from '../core/mailbox.ts';
import type { Principal } from '../core/principal.ts';
import { findMailbox, findMailboxByKey, folderByName, folderReadableByUser, foldersOf, membershipsOfUser } from '../store/repositories/accounts.ts';
import { folderCounts, listEntries, type FolderCount, type ListedEntry } from '../store/repositories/messages.ts';
import type { ServiceContext } from './context.ts';
import { holdsRight } from './rights.ts';

export type MailboxSummary = { id: string; address: string; kind: string; displayName: string; rights: string };

/** The mailboxes a user works in: their own, and every organisational mailbox or delegation they are a member of. */
export async function mailboxesOf(ctx: ServiceContext, userId: string): Promise<MailboxSummary[]> {
  const memberships = await membershipsOfUser(ctx.sql.read, userId);
  const out: MailboxSummary[] = [];
  for (const member of memberships) {
    const mailbox = await findMailbox(ctx.sql.read, member.mailboxId);
    if (mailbox) out.push({ id: mailbox.id, address: mailbox.address, kind: mailbox.kind, displayName: mailbox.display_name, rights: formatRights(member.rights) });
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

/** The folders of one of the user's mailboxes, with counts; another's mailbox is "not found". */
export async function foldersOfMailbox(ctx: ServiceContext, principal: Principal, mailboxId: string): Promise<FolderCount[]> {
  await readableMailbox(ctx, principal, { id: mailboxId });
  return folderCounts(ctx.sql.read, mailboxId);
}

async function readableMailbox(ctx: ServiceContext, principal: Principal, which: { id: string } | { address: string }) {
  const mailbox = 'id' in which ? await findMailbox(ctx.sql.read, which.id) : await findMailboxByKey(ctx.sql.read, addressKey(which.address));
  if (!mailbox || !(await holdsRight(ctx, principal, mailbox.id, 'read'))) {
    throw new MissiveError('not_found', `no mailbox ${'id' in which ? which.id : which.address} readable by you`);
  }
  return mailbox;
}

export type FolderListing = { mailbox: string; folder: string; uidvalidity: number; entries: ListedEntry[] };

/** One page of a folder, newest first, for a principal with the read right on the mailbox. */
export async function listFolder(
  ctx: ServiceContext,
  principal: Principal,
  request: ({ mailbox: string } | { mailboxId: string }) & { folder: string; limit: number; beforeUid?: number },
): Promise<FolderListing> {
  const limit = Math.min(Math.max(request.limit, 1), 500);
  const page = request.beforeUid === undefined ? { limit } : { limit, beforeUid: request.beforeUid };
  // The web client's path — a member naming a mailbox by id — answers in two queries.
  if (principal.kind === 'user' && 'mailboxId' in request) {
    const found = await folderReadableByUser(ctx.sql.read, { userId: principal.userId, mailboxId: request.mailboxId, folder: request.folder });
    if (found) return { mailbox: found.address, folder: found.name, uidvalidity: found.uidvalidity, entries: await listEntries(ctx.sql.read, found.folderId, page) };
  }
  // Every other case, and the refusals with their explanation.
  const mailbox = await readableMailbox(ctx, principal, 'mailboxId' in request ? { id: request.mailboxId } : { address: request.mailbox });
  const folder = await folderByName(ctx.sql.read, mailbox.id, request.folder);
  if (!folder) {
    const names = (await foldersOf(ctx.sql.read, mailbox.id)).map((candidate) => candidate.name);
    throw new MissiveError('not_found', `no folder ${request.folder} in ${mailbox.address} (folders: ${names.join(', ')})`);
  }
  return { mailbox: mailbox.address, folder: folder.name, uidvalidity: folder.uidvalidity, entries: await listEntries(ctx.sql.read, folder.id, page) };
}

