import { MissiveError } from '../core/errors.ts';
import { mayAct, type Principal } from '../core/principal.ts';
import { openRecord, sealRecord } from '../store/crypto/sealed-record.ts';
import { newId } from '../store/ids.ts';
import { findMailbox, membership } from '../store/repositories/accounts.ts';
import { countDrafts, deleteOwnDraft, draftsOfUsers, findOwnDraft, insertDraft, listOwnDrafts, updateDraft, type DraftRow } from '../store/repositories/drafts.ts';
import type { Queryable } from '../store/repositories/queryable.ts';
import { findOwnUploads, lockOwnUploads } from '../store/repositories/uploads.ts';
import type { ServiceContext } from './context.ts';
import type { UploadedFile } from './uploads.ts';

/** What a person is writing. Recipients may still be incomplete: they are checked when it is sent. */
export type DraftContent = {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** Upload ids, in the order they were attached. */
  attachments: string[];
  /** Our id (`msg_…`) of the message this answers. */
  inReplyTo: string | null;
};

export type DraftInput = DraftContent & { mailboxId: string };
export type DraftSummary = { id: string; mailboxId: string; to: string[]; cc: string[]; subject: string; updatedAt: number };
export type DraftView = { id: string; mailboxId: string; to: string[]; cc: string[]; subject: string; text: string; attachments: UploadedFile[]; inReplyTo: string | null; updatedAt: number };

const PURPOSE = 'draft';
// A bound on what one person keeps half-written; the list opens every one of them.
export const MAX_DRAFTS_PER_USER = 500;

export async function listDrafts(ctx: ServiceContext, userId: string): Promise<DraftSummary[]> {
  const rows = await listOwnDrafts(ctx.sql.read, userId);
  return rows.map((row) => {
    const content = openDraft(ctx, row);
    return { id: row.id, mailboxId: row.mailbox_id, to: content.to, cc: content.cc, subject: content.subject, updatedAt: row.updated_at };
  });
}

export async function getDraft(ctx: ServiceContext, userId: string, draftId: string): Promise<DraftView> {
  const row = await findOwnDraft(ctx.sql.read, userId, draftId);
  if (!row) throw noSuchDraft();
  const content = openDraft(ctx, row);
  // An upload deleted since (by its owner) simply is no longer attached.
  const uploads = await findOwnUploads(ctx.sql.read, userId, content.attachments);
  const attachments = content.attachments.flatMap((id) => {
    const upload = uploads.find((candidate) => candidate.id === id);
    return upload ? [{ id: upload.id, filename: upload.filename, contentType: upload.content_type, size: upload.size }] : [];
  });
  return { id: row.id, mailboxId: row.mailbox_id, to: content.to, cc: content.cc, subject: content.subject, text: content.text, attachments, inReplyTo: content.inReplyTo, updatedAt: row.updated_at };
}

export async function createDraft(ctx: ServiceContext, userId: string, input: DraftInput): Promise<{ id: string; updatedAt: number }> {
  await requireSendRight(ctx, userId, input.mailboxId);
  const id = newId('drf');
  const now = ctx.clock();
  const sealed = sealDraft(ctx, id, input);
  await ctx.sql.write(async (trx) => {
    if ((await countDrafts(trx, userId)) >= MAX_DRAFTS_PER_USER) {
      throw new MissiveError('conflict', `you already keep ${MAX_DRAFTS_PER_USER} drafts: send or delete some first`);
    }
    await requireOwnUploads(trx, userId, input.attachments);
    await insertDraft(trx, { id, user_id: userId, mailbox_id: input.mailboxId, sealed, created_at: now, updated_at: now });
  });
  return { id, updatedAt: now };
}

export async function replaceDraft(ctx: ServiceContext, userId: string, draftId: string, input: DraftInput): Promise<{ id: string; updatedAt: number }> {
  if (!(await findOwnDraft(ctx.sql.read, userId, draftId))) throw noSuchDraft();
  await requireSendRight(ctx, userId, input.mailboxId);
  const now = ctx.clock();
  const sealed = sealDraft(ctx, draftId, input);
  await ctx.sql.write(async (trx) => {
    await requireOwnUploads(trx, userId, input.attachments);
    if (!(await updateDraft(trx, userId, draftId, { mailbox_id: input.mailboxId, sealed, updated_at: now }))) throw noSuchDraft();
  });
  return { id: draftId, updatedAt: now };
}

export async function removeDraft(ctx: ServiceContext, userId: string, draftId: string): Promise<void> {
  if (!(await ctx.sql.write((trx) => deleteOwnDraft(trx, userId, draftId)))) throw noSuchDraft();
}

/** Fails unless the user owns this draft (a send naming a draft checks it before anything leaves). */
export async function requireOwnDraft(ctx: ServiceContext, userId: string, draftId: string): Promise<void> {
  if (!(await findOwnDraft(ctx.sql.read, userId, draftId))) throw noSuchDraft();
}

/**
 * The upload ids the drafts of these users name. A user one of whose drafts cannot be opened is
 * reported in `unknown`: nothing of theirs may be judged unreferenced.
 */
export async function uploadsNamedByDrafts(ctx: ServiceContext, q: Queryable, userIds: readonly string[]): Promise<{ named: Set<string>; unknown: Set<string> }> {
  const named = new Set<string>();
  const unknown = new Set<string>();
  for (const row of await draftsOfUsers(q, userIds)) {
    try {
      for (const id of openDraft(ctx, row).attachments) named.add(id);
    } catch (error) {
      ctx.log.error('a draft could not be opened', { draft: row.id, error });
      unknown.add(row.user_id);
    }
  }
  return { named, unknown };
}

/** Writing from a mailbox needs the send right there: a mailbox one is no member of does not exist. */
async function requireSendRight(ctx: ServiceContext, userId: string, mailboxId: string): Promise<void> {
  const principal: Principal = { kind: 'user', userId };
  const mailbox = await findMailbox(ctx.sql.read, mailboxId);
  const member = mailbox ? await membership(ctx.sql.read, userId, mailbox.id) : undefined;
  if (!mailbox || !member) throw new MissiveError('not_found', 'no such mailbox among yours');
  if (!mayAct(principal, mailbox.id, 'send', member)) throw new MissiveError('forbidden', 'you may not send from this mailbox');
}

async function requireOwnUploads(q: Queryable, userId: string, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if ((await lockOwnUploads(q, userId, unique)).length !== unique.length) throw new MissiveError('not_found', 'no such attachment among your uploads');
}

function sealDraft(ctx: ServiceContext, id: string, input: DraftInput): Buffer {
  const content: DraftContent = {
    to: input.to,
    cc: input.cc,
    subject: input.subject,
    text: input.text,
    attachments: [...new Set(input.attachments)],
    inReplyTo: input.inReplyTo,
  };
  return sealRecord(ctx.kek, PURPOSE, id, Buffer.from(JSON.stringify(content), 'utf8'));
}

function openDraft(ctx: ServiceContext, row: Pick<DraftRow, 'id' | 'sealed'>): DraftContent {
  return JSON.parse(openRecord(ctx.kek, PURPOSE, row.id, row.sealed).toString('utf8')) as DraftContent;
}

function noSuchDraft(): MissiveError {
  return new MissiveError('not_found', 'no such draft');
}
