import type { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { describePrincipal, mayAct, type Principal, type VaultPrincipal } from '../core/principal.ts';
import type { Channel, ProofEvent } from '../core/proof-event.ts';
import { addressKey } from '../core/address.ts';
import { findMailboxByKey, membershipsOfUser } from '../store/repositories/accounts.ts';
import { appendAudit } from '../store/repositories/audit.ts';
import { findMessage, mailboxesHolding, markOpened, markVaultRecipientOpened, recipientsOf, type MessageRow } from '../store/repositories/messages.ts';
import type { OpenableMessage } from '../store/content-reader.ts';
import { markVaultOpened, vaultItem } from '../store/repositories/vault.ts';
import { appendProofEvents, recipientsWithEvent } from '../store/repositories/proofs.ts';
import { decryptedContent } from './content.ts';
import type { ServiceContext } from './context.ts';
import type { MessageIndex } from './deposit/message-index.ts';
import { holdsRight } from './rights.ts';

export type OpenRequest = {
  principal: Principal;
  messageId: string;
  channel: Channel;
  /** The mailbox the reader opens it from; without it, every recipient mailbox the reader may read. */
  viaMailboxId?: string;
  /** IMAP BODY.PEEK and previews: reading without it counting as an opening. */
  peek?: boolean;
  /** Reading an attachment: besides the opening, its recipients' first download is proven. */
  attachment?: boolean;
};

export type OpenedMessage = {
  messageId: string;
  messageIdHeader: string;
  sender: string;
  size: number;
  receivedAt: number;
  index: MessageIndex;
  /** The decrypted raw message; each chunk is authenticated before it is released. */
  content: Readable;
};

/**
 * The one read path. Access is the read right on a mailbox where the message is filed; anyone
 * else is told it does not exist (no oracle on message ids). The first opening by each recipient
 * is recorded as a proof event, committed before any byte of content leaves.
 */
export async function openMessage(ctx: ServiceContext, request: OpenRequest): Promise<OpenedMessage> {
  if (request.principal.kind === 'vault') return openFromVault(ctx, request, request.principal);
  const actor = describePrincipal(request.principal);
  const message = await findMessage(ctx.sql.read, request.messageId);
  const readable = message ? await readableMailboxes(ctx, request.principal, message.id) : [];
  const via = request.viaMailboxId === undefined ? readable : readable.filter((id) => id === request.viaMailboxId);
  if (!message || via.length === 0) {
    await audit(ctx, actor, request, 'refused', 'not_found');
    throw new MissiveError('not_found', 'no such message');
  }
  // An opening is proven for one mailbox: the one the reader opens it from. A sender who is also
  // a member of the recipient's shared mailbox must say which copy she reads.
  if (!request.peek && via.length > 1) {
    throw new MissiveError('invalid_argument', 'this message is in several of your mailboxes: say which one you open it from');
  }
  // Purged messages have left every mailbox, so they are not found above; this covers a purge
  // committed between that check and this read.
  const content = await decryptedContent(ctx, message).catch(async (error: unknown) => {
    await audit(ctx, actor, request, 'refused', error instanceof MissiveError ? error.code : 'internal');
    throw error;
  });
  if (!request.peek) {
    // Proven only when the content is there to be read; a stream opened for nothing is closed.
    try {
      if (message.storage === 'blob' && !(await ctx.blobs.exists(message.blob_key!))) throw new Error(`the content of message ${message.id} is missing`);
      await recordOpening(ctx, actor, request, message, via);
    } catch (error) {
      content.destroy();
      throw error;
    }
  }
  return openedMessage(message, content);
}

function openedMessage(message: MessageRow, content: Readable): OpenedMessage {
  let index: MessageIndex | null = null;
  return {
    messageId: message.id,
    messageIdHeader: message.message_id_header,
    sender: message.sender,
    size: message.size,
    receivedAt: message.received_at,
    // Parsed when asked for: a whole-message read (raw download) never needs it.
    get index() {
      index ??= JSON.parse(message.index_json ?? '{}') as MessageIndex;
      return index;
    },
    content,
  };
}

export type OpenedContent = {
  messageId: string;
  /** The decrypted raw message, whole. */
  content: Buffer;
};

/** Contents opened together; `release` lends their memory to the next batch (see FiledBatch). */
export type OpenedBatch = { contents: Map<string, OpenedContent>; release(): void };

/**
 * The same read path for several messages of one mailbox at once, whole (IMAP FETCH of bodies):
 * the read right on that mailbox checked once, the contents read and decrypted together by the
 * content reader. Messages no longer filed there, or purged, are absent from the result. Without
 * `peek`, each first opening is proven as in openMessage.
 */
export async function openMessagesIn(
  ctx: ServiceContext,
  request: { principal: Principal; mailboxId: string; messageIds: readonly string[]; channel: Channel; peek: boolean },
): Promise<OpenedBatch> {
  const actor = describePrincipal(request.principal);
  if (!(await holdsRight(ctx, request.principal, request.mailboxId, 'read'))) {
    await audit(ctx, actor, { ...request, messageId: request.mailboxId }, 'refused', 'not_found');
    throw new MissiveError('not_found', 'no such mailbox');
  }
  const batch = await ctx.contents.filedIn(request.mailboxId, request.messageIds);
  const contents = new Map<string, OpenedContent>();
  for (const { message, content } of batch.filed) {
    // Kept in the blob store (a large message): streamed from there, as a single opening is.
    const whole = content ?? (await collected(await decryptedContent(ctx, message)));
    if (!request.peek) await recordOpening(ctx, actor, { ...request, messageId: message.id }, message, [request.mailboxId]);
    contents.set(message.id, { messageId: message.id, content: whole });
  }
  return { contents, release: batch.release };
}

async function collected(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A vault link's holder reads the one message of a live link (not revoked, expired or locked):
 * its first reading is the recipient's opening, proven like any other.
 */
async function openFromVault(ctx: ServiceContext, request: OpenRequest, principal: VaultPrincipal): Promise<OpenedMessage> {
  const actor = describePrincipal(principal);
  const now = ctx.clock();
  const item = await vaultItem(ctx.sql.read, principal.itemId);
  const message = await findMessage(ctx.sql.read, request.messageId);
  const live = item && item.message_id === request.messageId && item.address === principal.address && item.revoked_at === null && item.locked_at === null && item.expires_at > now;
  if (!message || !live) {
    await audit(ctx, actor, request, 'refused', 'not_found');
    throw new MissiveError('not_found', 'no such message');
  }
  const content = await decryptedContent(ctx, message).catch(async (error: unknown) => {
    await audit(ctx, actor, request, 'refused', error instanceof MissiveError ? error.code : 'internal');
    throw error;
  });
  if (!request.peek) {
    try {
      await ctx.sql.write(async (trx) => {
        const base = { messageId: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest, actor, recipient: item.address, channel: request.channel, at: now };
        const first = await markVaultOpened(trx, item.id, now);
        if (first && (await markVaultRecipientOpened(trx, message.id, item.address, now))) await appendProofEvents(trx, [{ ...base, type: 'opened' }]);
        if (request.attachment && !(await recipientsWithEvent(trx, message.id, 'attachment_downloaded')).includes(item.address)) {
          await appendProofEvents(trx, [{ ...base, type: 'attachment_downloaded' }]);
        }
        await appendAudit(trx, { at: now, actor, action: 'open', target: message.id, result: 'ok', detail: { channel: request.channel } });
      });
    } catch (error) {
      content.destroy();
      throw error;
    }
    ctx.changes.publish({ mailboxId: item.sender_mailbox_id, kind: 'tracking', messageId: message.id });
  }
  return openedMessage(message, content);
}

async function readableMailboxes(ctx: ServiceContext, principal: Principal, messageId: string): Promise<string[]> {
  const holding = await mailboxesHolding(ctx.sql.read, messageId);
  const memberships = principal.kind === 'user' ? await membershipsOfUser(ctx.sql.read, principal.userId) : [];
  return holding.filter((mailboxId) =>
    mayAct(principal, mailboxId, 'read', memberships.find((member) => member.mailboxId === mailboxId)),
  );
}

async function recordOpening(ctx: ServiceContext, actor: string, request: OpenRequest, message: OpenableMessage, via: readonly string[]): Promise<void> {
  const recipients = await recipientsOf(ctx.sql.read, message.id);
  const recipientMailboxes = via.filter((mailboxId) => recipients.some((recipient) => recipient.mailbox_id === mailboxId && recipient.opened_at === null));
  const now = ctx.clock();
  const openedFor: string[] = [];
  await ctx.sql.write(async (trx) => {
    for (const mailboxId of recipientMailboxes) {
      // The conditional update decides who was first, even between two readers at once.
      const opened = await markOpened(trx, message.id, mailboxId, now);
      const events = opened.map(
        (address): ProofEvent => ({
          type: 'opened',
          messageId: message.id,
          messageIdHeader: message.message_id_header,
          contentDigest: message.content_digest,
          actor,
          recipient: address,
          channel: request.channel,
          at: now,
        }),
      );
      await appendProofEvents(trx, events);
      if (opened.length > 0) openedFor.push(mailboxId);
    }
    if (request.attachment) {
      const already = new Set(await recipientsWithEvent(trx, message.id, 'attachment_downloaded'));
      const downloaders = recipients.filter((recipient) => recipient.mailbox_id !== null && via.includes(recipient.mailbox_id) && !already.has(recipient.address));
      await appendProofEvents(
        trx,
        downloaders.map((recipient): ProofEvent => ({ type: 'attachment_downloaded', messageId: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest, actor, recipient: recipient.address, channel: request.channel, at: now })),
      );
    }
    await appendAudit(trx, { at: now, actor, action: 'open', target: message.id, result: 'ok', detail: { channel: request.channel } });
  });
  // The sender's tracking view follows openings live.
  if (openedFor.length > 0) {
    const senderMailbox = await findMailboxByKey(ctx.sql.read, addressKey(message.sender));
    if (senderMailbox) ctx.changes.publish({ mailboxId: senderMailbox.id, kind: 'tracking', messageId: message.id });
  }
}

async function audit(ctx: ServiceContext, actor: string, request: OpenRequest, result: 'refused', code: string): Promise<void> {
  await ctx.sql.write((trx) =>
    appendAudit(trx, { at: ctx.clock(), actor, action: 'open', target: request.messageId.slice(0, 64), result, detail: { channel: request.channel, errorCode: code } }),
  );
}
