import addressparser from 'nodemailer/lib/addressparser/index.js';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { addressKey, parseAddress } from '../../core/address.ts';
import { contentDigester } from '../../core/digest.ts';
import { MissiveError } from '../../core/errors.ts';
import { formatRfc5322Date, headerValue, parseHeaderBlock, removeFields, type HeaderField } from '../../core/header-block.ts';
import { describePrincipal, type Principal } from '../../core/principal.ts';
import type { Channel, ProofEvent } from '../../core/proof-event.ts';
import { newBlobKey } from '../../store/blobs/blob-store.ts';
import { putEncrypted } from '../../store/blobs/encrypted-blobs.ts';
import { generateDataKey, wrapDataKey } from '../../store/crypto/envelope.ts';
import { newId } from '../../store/ids.ts';
import type { MailboxRow } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { fileEntries, insertMessage, insertRecipients, type EntryTarget } from '../../store/repositories/messages.ts';
import { appendProofEvents } from '../../store/repositories/proofs.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';
import type { ServiceContext } from '../context.ts';
import { canonicalLineEnds, splitHeader } from './canonical-stream.ts';
import { createIndexer, type MessageIndex } from './message-index.ts';
import { resolveRecipients, type ResolvedRecipient } from './recipients.ts';
import { authorizeSender } from './sender.ts';

export type DepositRequest = {
  principal: Principal;
  channel: Channel;
  /** The SMTP envelope. Without `to`, recipients are read from To, Cc and Bcc (CLI, web compose). */
  envelope: { from: string; to?: readonly string[] };
  /** The raw RFC 5322 message. Any line ends; stored as CRLF. */
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
};

export type DepositResult = {
  messageId: string;
  messageIdHeader: string;
  size: number;
  contentDigest: string;
  recipients: { address: string; mailboxId: string; uid: number }[];
  sentUid: number | null;
};

/**
 * The one delivery path. Every way a message enters ends here: the sender's right is checked,
 * the message is streamed once into an encrypted blob and a parser, and everything that makes
 * it delivered is written in one transaction. The promise resolves only after that commit is
 * durable; on any refusal nothing is left behind but a line in the audit trail.
 */
export async function deposit(ctx: ServiceContext, request: DepositRequest): Promise<DepositResult> {
  try {
    return await depositChecked(ctx, request);
  } catch (error) {
    await auditRefusal(ctx, request, error);
    throw error;
  }
}

async function depositChecked(ctx: ServiceContext, request: DepositRequest): Promise<DepositResult> {
  const now = ctx.clock();
  const sender = parseAddress(request.envelope.from);
  const senderText = `${sender.local}@${sender.domain}`;
  const senderMailbox = await authorizeSender(ctx, ctx.sql.read, request.principal, senderText);
  const fromEnvelope = request.envelope.to ? await resolveRecipients(ctx, ctx.sql.read, request.envelope.to) : null;

  const canonical = canonicalLineEnds(request.source)[Symbol.asyncIterator]();
  const { header, rest } = await splitHeader(canonical);
  const fields = parseHeaderBlock(header);
  const bcc = addressesIn(headerValue(fields, 'bcc'));
  const completed = completeHeader(removeFields(header, 'bcc'), fields, now, ctx);
  const listed = [...addressesIn(headerValue(fields, 'to')), ...addressesIn(headerValue(fields, 'cc')), ...bcc];
  const recipients = fromEnvelope ?? (await resolveRecipients(ctx, ctx.sql.read, listed));

  const messageId = newId('msg');
  const blobKey = newBlobKey(new Date(now));
  const dataKey = generateDataKey();
  const stored = await storeAndIndex(ctx, blobKey, dataKey, completed.header, rest);
  try {
    checkFrom(stored.index, senderText, senderMailbox);
    const uids = await ctx.sql.write(async (trx) => {
      await insertMessage(trx, {
        id: messageId,
        blob_key: blobKey,
        wrapped_key: wrapDataKey(ctx.kek, dataKey, blobKey),
        kek_id: ctx.kek.id,
        size: stored.size,
        content_digest: stored.digest,
        message_id_header: completed.messageIdHeader,
        sender: senderText,
        subject: stored.index.subject,
        date_header: stored.index.date,
        has_attachments: stored.index.attachments.some((attachment) => !attachment.inline) ? 1 : 0,
        index_json: JSON.stringify(stored.index),
        received_at: now,
        purged_at: null,
      });
      const uids = await fileMessage(trx, { messageId, now, senderMailbox, recipients: recipients });
      await insertRecipients(
        trx,
        recipients.map((recipient) => ({
          message_id: messageId,
          address: recipient.address,
          header_kind: headerKind(recipient, stored.index),
          route: recipient.route,
          state: 'delivered' as const,
          mailbox_id: recipient.mailbox.id,
          delivered_at: now,
          opened_at: null,
        })),
      );
      const base = {
        messageId,
        messageIdHeader: completed.messageIdHeader,
        contentDigest: stored.digest,
        actor: describePrincipal(request.principal),
        channel: request.channel,
        at: now,
      };
      const events: ProofEvent[] = [
        { ...base, type: 'submitted', recipient: null },
        ...recipients.map((recipient): ProofEvent => ({ ...base, type: 'delivered', recipient: recipient.address })),
      ];
      await appendProofEvents(trx, events);
      await appendAudit(trx, {
        at: now,
        actor: base.actor,
        action: 'deposit',
        target: messageId,
        result: 'ok',
        detail: { channel: request.channel, recipients: recipients.length, size: stored.size },
      });
      return uids;
    });
    return {
      messageId,
      messageIdHeader: completed.messageIdHeader,
      size: stored.size,
      contentDigest: stored.digest,
      recipients: recipients.map((recipient) => ({ address: recipient.address, mailboxId: recipient.mailbox.id, uid: uids.inbox.get(recipient.mailbox.id)! })),
      sentUid: uids.sent,
    };
  } catch (error) {
    await ctx.blobs.delete(blobKey).catch((cleanup: unknown) => ctx.log.error('could not remove the blob of a refused message', { blobKey, error: cleanup }));
    throw error;
  }
}

/** Adds the Message-ID and Date a submitting client left out, as an MTA would. */
function completeHeader(header: Buffer, fields: readonly HeaderField[], now: number, ctx: ServiceContext): { header: Buffer; messageIdHeader: string } {
  const added: string[] = [];
  let messageIdHeader = headerValue(fields, 'message-id')?.trim();
  if (!messageIdHeader) {
    messageIdHeader = `<${randomBytes(16).toString('hex')}@${[...ctx.localDomains][0] ?? 'missive.invalid'}>`;
    added.push(`Message-ID: ${messageIdHeader}`);
  }
  if (!headerValue(fields, 'date')) added.push(`Date: ${formatRfc5322Date(new Date(now))}`);
  if (added.length === 0) return { header, messageIdHeader };
  return { header: Buffer.concat([Buffer.from(`${added.join('\r\n')}\r\n`, 'latin1'), header]), messageIdHeader };
}

type Stored = { size: number; digest: string; index: MessageIndex };

/**
 * Streams the message once: each chunk goes to the digest, the encrypting blob writer and the
 * parser, with back-pressure from both. Over a limit or on a parse failure, both sides stop and
 * the blob is removed (the caller removes it after a later refusal too).
 */
async function storeAndIndex(ctx: ServiceContext, blobKey: string, dataKey: Buffer, header: Buffer, rest: AsyncIterable<Buffer>): Promise<Stored> {
  const plain = new PassThrough({ highWaterMark: 64 * 1024 });
  const put = putEncrypted(ctx.blobs, blobKey, dataKey, plain);
  const { parser, index } = createIndexer(ctx.limits.maxAttachmentBytes);
  const digester = contentDigester();
  let size = 0;
  const feed = async () => {
    for await (const chunk of prepend(header, rest)) {
      size += chunk.length;
      if (size > ctx.limits.maxMessageBytes) {
        throw new MissiveError('message_too_large', `the message is larger than ${ctx.limits.maxMessageBytes} bytes`, { limit: ctx.limits.maxMessageBytes });
      }
      digester.update(chunk);
      const plainFull = !plain.write(chunk);
      const parserFull = !parser.write(chunk);
      if (plainFull) await drained(plain);
      if (parserFull) await drained(parser);
    }
    plain.end();
    parser.end();
  };
  const results = await Promise.allSettled([feed(), put, index]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    plain.destroy();
    parser.destroy();
    await put.catch(() => undefined);
    await ctx.blobs.delete(blobKey).catch(() => undefined);
    throw (failure as PromiseRejectedResult).reason;
  }
  return { size, digest: digester.digest(), index: (results[2] as PromiseFulfilledResult<MessageIndex>).value };
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/** Resolves on 'drain', or as soon as the stream is gone (its owner reports the error). */
function drained(stream: NodeJS.EventEmitter & { destroyed: boolean }): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('stream closed'));
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', closed);
      resolve();
    };
    const closed = () => {
      stream.off('drain', done);
      reject(new Error('stream closed'));
    };
    stream.on('drain', done);
    stream.on('close', closed);
  });
}

/** A local sender's From must be the mailbox it was authorised for: no sending as someone else. */
function checkFrom(index: MessageIndex, sender: string, senderMailbox: MailboxRow | null): void {
  if (!senderMailbox) return;
  const wanted = addressKey(sender);
  const mismatch = index.from.length === 0 || index.from.some((from) => safeKey(from.address) !== wanted);
  if (mismatch) {
    throw new MissiveError('forbidden', `the From header must be ${sender}, the mailbox this message is sent from`);
  }
}

function safeKey(text: string): string | null {
  try {
    return addressKey(text);
  } catch {
    return null;
  }
}

/** The Inbox of each local recipient and the Sent folder of a local sender. */
async function fileMessage(
  trx: Queryable,
  message: { messageId: string; now: number; senderMailbox: MailboxRow | null; recipients: readonly ResolvedRecipient[] },
): Promise<{ inbox: Map<string, number>; sent: number | null }> {
  const targets: EntryTarget[] = message.recipients.map((recipient) => ({ mailboxId: recipient.mailbox.id, folder: { name: 'INBOX' }, flags: [] }));
  if (message.senderMailbox) targets.push({ mailboxId: message.senderMailbox.id, folder: { specialUse: '\\Sent' }, flags: ['\\Seen'] });
  const filed = await fileEntries(trx, message.messageId, message.now, targets);
  const inbox = new Map<string, number>();
  message.recipients.forEach((recipient, index) => {
    const entry = filed[index];
    if (!entry) throw new Error(`mailbox ${recipient.mailbox.id} has no INBOX`);
    inbox.set(recipient.mailbox.id, entry.uid);
  });
  // A sender who deleted their Sent folder still sends; the copy is simply not kept.
  const sent = message.senderMailbox ? (filed[targets.length - 1]?.uid ?? null) : null;
  return { inbox, sent };
}

/** Envelope recipients absent from To and Cc were blind copies, whether or not a Bcc header named them. */
function headerKind(recipient: ResolvedRecipient, index: MessageIndex): 'to' | 'cc' | 'bcc' {
  const has = (list: readonly { address: string }[]) => list.some((entry) => safeKey(entry.address) === recipient.key);
  if (has(index.to)) return 'to';
  if (has(index.cc)) return 'cc';
  return 'bcc';
}

function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .map((entry) => entry.address)
    .filter((address): address is string => typeof address === 'string' && address !== '');
}

async function auditRefusal(ctx: ServiceContext, request: DepositRequest, error: unknown): Promise<void> {
  const code = error instanceof MissiveError ? error.code : 'internal';
  if (code === 'internal') ctx.log.error('deposit failed', { error });
  await ctx.sql
    .write((trx) =>
      appendAudit(trx, {
        at: ctx.clock(),
        actor: describePrincipal(request.principal),
        action: 'deposit',
        target: null,
        result: code === 'internal' ? 'error' : 'refused',
        detail: { channel: request.channel, errorCode: code },
      }),
    )
    .catch((auditError: unknown) => ctx.log.error('could not record a refused deposit in the audit log', { error: auditError }));
}
