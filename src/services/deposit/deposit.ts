import { addressKeyOrNull, parseAddress } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { foldForSearch } from '../../core/search-text.ts';
import { describePrincipal, SYSTEM_OPERATOR, type Principal } from '../../core/principal.ts';
import type { Channel, ProofEvent } from '../../core/proof-event.ts';
import { ownBuffer } from '../../core/own-buffer.ts';
import { newBlobKey } from '../../store/blobs/blob-store.ts';
import { generateDataKey, wrapDataKey } from '../../store/crypto/envelope.ts';
import { newOrderedId } from '../../store/ids.ts';
import { appendAudit, auditRow } from '../../store/repositories/audit.ts';
import type { MailboxRow } from '../../store/repositories/accounts.ts';
import { findMessage, type EntryTarget } from '../../store/repositories/messages.ts';
import type { OutboundQueueTable } from '../../store/schema.ts';
import { nudgeOutbound } from '../outbound/outbound-signal.ts';
import { proofEventRow } from '../../store/repositories/proofs.ts';
import type { ServiceContext } from '../context.ts';
import type { MessageIndex } from './message-index.ts';
import { commitDeposit } from './deposit-batcher.ts';
import { checkOriginator } from './originator.ts';
import { resolveRecipients, type ResolvedRecipient } from './recipients.ts';
import { authorizeSender } from './sender.ts';
import { snapshotAddresses, type AddressSnapshot } from './address-snapshot.ts';
import { normalIns } from '../../core/ins.ts';
import { checkVaultOptions, vaultItemsFor, type VaultOptions } from '../vault/vault-items.ts';
import { sendVaultNotices } from '../vault/vault-notices.ts';
import { holdsRight } from '../rights.ts';

export type DepositRequest = {
  principal: Principal;
  channel: Channel;
  /** The SMTP envelope. Without `to`, recipients are read from To, Cc and Bcc (CLI, web compose). */
  envelope: { from: string; to?: readonly string[] };
  /** The raw RFC 5322 message. Any line ends, stored as CRLF, unless `strictLines`. */
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** CRLF only and lines of at most 998 octets, or the message is refused (mail from other operators). */
  strictLines?: boolean;
  /**
   * IMAP APPEND: the message is filed in this folder of a mailbox the principal manages, and
   * sent to no one (no recipients, no proof events: nothing was exchanged).
   */
  fileInto?: { mailboxId: string; folder: string; flags: readonly string[]; internalDate?: number };
  /** For recipients outside the trust space: how they get their code, how long, whether they may answer. */
  vault?: VaultOptions;
};

export type DepositResult = {
  messageId: string;
  messageIdHeader: string;
  size: number;
  contentDigest: string;
  /** Local recipients, filed in their Inbox. */
  recipients: { address: string; mailboxId: string; uid: number }[];
  /** Recipients on other operators, queued for delivery. */
  queued: string[];
  /**
   * Recipients outside the trust space, whose copy waits in the vault. The code is given here
   * only when the sender is to dictate it by phone: it is shown once, then exists only as a digest.
   */
  vault: { address: string; itemId: string; code: string | null; expiresAt: number; notified: boolean }[];
  sentUid: number | null;
  /** The UID an APPEND got in its folder. */
  filedUid: number | null;
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
  const filing = request.fileInto ?? null;
  checkVaultOptions(request.vault);
  if (filing) await checkFiling(ctx, request.principal, filing.mailboxId);
  // A user's submission with its envelope: the sender's right and the recipients' mailboxes in one read.
  const to = filing ? undefined : request.envelope.to;
  const snapshot =
    to && to.length <= ctx.limits.maxRecipients && request.principal.kind === 'user' && request.envelope.from !== ''
      ? await snapshotAddresses(ctx.sql.read, request.principal.userId, [request.envelope.from, ...to])
      : null;
  const { senderText: envelopeSender, senderMailbox } = filing ? { senderText: '', senderMailbox: null } : await checkSender(ctx, request, snapshot);
  const fromEnvelope = to ? await resolveRecipients(ctx, ctx.sql.read, to, snapshot) : null;

  const messageId = newOrderedId('msg', now);
  const blobKey = newBlobKey(new Date(now));
  const dataKey = generateDataKey();
  const stored = await ctx.intake.take(
    {
      blobKey,
      dataKey,
      now,
      maxAttachmentBytes: ctx.limits.maxAttachmentBytes,
      maxMessageBytes: ctx.limits.maxMessageBytes,
      inlineContentBytes: ctx.limits.inlineContentBytes,
      // A Message-ID Missive adds names the sender's own domain when it is one of ours.
      strictLines: request.strictLines,
      messageIdDomain: senderMailbox ? envelopeSender.slice(envelopeSender.lastIndexOf('@') + 1) : operatorDomain(ctx),
    },
    request.source,
    (sealed) => ctx.blobs.put(blobKey, sealed),
  );
  try {
    // A filed message is listed under the author its header names.
    const senderText = filing ? (stored.index.from[0]?.address ?? '') : envelopeSender;
    const recipients = filing ? [] : (fromEnvelope ?? (await resolveRecipients(ctx, ctx.sql.read, stored.headerRecipients)));
    // Only our own senders' mail leaves for another operator: never a relay for a third party.
    const remote = recipients.filter((recipient) => recipient.mailbox === null);
    if (remote.length > 0 && (!senderMailbox || request.principal.kind === 'vault')) {
      throw new MissiveError('forbidden', `relay access denied: mail from ${senderText || 'the null sender'} cannot leave for ${remote[0]!.address}`);
    }
    if (!filing && request.envelope.from !== '') checkOriginator(ctx, stored.originator, senderText, senderMailbox !== null);
    const local = recipients.filter((recipient): recipient is ResolvedRecipient & { mailbox: MailboxRow } => recipient.mailbox !== null);
    const toOperators = remote.filter((recipient) => recipient.route === 'operator');
    const vaulted = vaultItemsFor(ctx, {
      messageId,
      senderMailboxId: senderMailbox?.id ?? '',
      addresses: remote.filter((recipient) => recipient.route === 'vault').map((recipient) => recipient.address),
      options: request.vault,
      noReplies: stored.index.mss.mes?.trim().toUpperCase() === 'FIN',
      now,
    });
    const actor = describePrincipal(request.principal);
    const base = { messageId, messageIdHeader: stored.messageIdHeader, contentDigest: stored.digest, actor, channel: request.channel, at: now };
    // A vault copy is delivered when it is stored, waiting for its reader; its code is proven issued.
    const events: ProofEvent[] = filing
      ? []
      : [
          { ...base, type: 'submitted', recipient: null },
          ...local.map((recipient): ProofEvent => ({ ...base, type: 'delivered', recipient: recipient.address })),
          ...vaulted.flatMap(({ row }): ProofEvent[] => [
            { ...base, type: 'delivered', recipient: row.address },
            { ...base, type: 'vault_code_issued', recipient: row.address },
          ]),
        ];
    // The Inbox of each local recipient, then the Sent folder of a local sender; or the folder an APPEND names.
    const targets: EntryTarget[] = filing ? [{ mailboxId: filing.mailboxId, folder: { name: filing.folder }, flags: [...filing.flags], required: true, ...(filing.internalDate === undefined ? {} : { internalDate: filing.internalDate }) }] : local.map((recipient) => ({ mailboxId: recipient.mailbox.id, folder: { name: 'INBOX' }, flags: [], required: true }));
    // A sender who deleted their Sent folder still sends; the copy is simply not kept.
    if (senderMailbox) targets.push({ mailboxId: senderMailbox.id, folder: { specialUse: '\\Sent' }, flags: ['\\Seen'], required: false });
    const uids = await commitDeposit(ctx, {
      inlineContent: stored.inlineContent,
      message: {
        id: messageId,
        blob_key: blobKey,
        storage: stored.inlineContent ? 'inline' : 'blob',
        // Cloned to the SQLite writer thread with the rows: without the rest of Node's buffer pool.
        wrapped_key: ownBuffer(wrapDataKey(ctx.kek, dataKey, blobKey)),
        kek_id: ctx.kek.id,
        size: stored.size,
        content_digest: stored.digest,
        message_id_header: stored.messageIdHeader,
        sender: senderText,
        subject: stored.index.subject,
        from_name: stored.index.from[0]?.name || null,
        search_text: searchTextOf(senderText, stored.index),
        date_header: stored.index.date,
        has_attachments: stored.index.attachments.some((attachment) => !attachment.inline) ? 1 : 0,
        index_json: JSON.stringify(stored.index),
        // Encoded by the IMAP layer when a client first asks for it.
        imap_envelope: null,
        patient_ins: request.vault?.patientIns ? normalIns(request.vault.patientIns) : null,
        received_at: now,
        purged_at: null,
      },
      recipients: recipients.map((recipient) => ({
        message_id: messageId,
        address: recipient.address,
        header_kind: headerKind(recipient, stored.index),
        route: recipient.route,
        state: recipient.route === 'operator' ? ('queued' as const) : ('delivered' as const),
        mailbox_id: recipient.mailbox?.id ?? null,
        delivered_at: recipient.route === 'operator' ? null : now,
        opened_at: null,
      })),
      targets,
      events: events.map(proofEventRow),
      outbound: queueRows(ctx, { messageId, sender: senderText, recipients: toOperators, now }),
      vault: vaulted.map((item) => item.row),
      audit: auditRow({ at: now, actor, action: filing ? 'append' : 'deposit', target: messageId, result: 'ok', detail: { channel: request.channel, recipients: recipients.length, size: stored.size } }),
    });
    for (const recipient of local) ctx.changes.publish({ mailboxId: recipient.mailbox.id, kind: 'arrived', folder: 'INBOX', messageId });
    if (senderMailbox) ctx.changes.publish({ mailboxId: senderMailbox.id, kind: 'arrived', messageId });
    if (toOperators.length > 0) nudgeOutbound(ctx);
    const notified = await Promise.all(vaulted.map((item) => sendVaultNotices(ctx, item.row, item)));
    if (filing) ctx.changes.publish({ mailboxId: filing.mailboxId, kind: 'changed', folder: filing.folder, messageId });
    return {
      messageId,
      messageIdHeader: stored.messageIdHeader,
      size: stored.size,
      contentDigest: stored.digest,
      recipients: local.map((recipient, index) => ({ address: recipient.address, mailboxId: recipient.mailbox.id, uid: uids[index]! })),
      queued: toOperators.map((recipient) => recipient.address),
      vault: vaulted.map(({ row, code }, index) => ({ address: row.address, itemId: row.id, code: row.code_by === 'phone' ? code : null, expiresAt: row.expires_at, notified: notified[index]! })),
      sentUid: senderMailbox ? (uids[local.length] ?? null) : null,
      filedUid: filing ? (uids[0] ?? null) : null,
    };
  } catch (error) {
    // The commit may have happened even though we were told otherwise (a connection lost during
    // COMMIT): the blob goes only if no row names it. A blob left here is unreadable (its key was
    // never stored) and the orphan sweep removes it later.
    if (stored.inlineContent === null && !(await findMessage(ctx.sql.read, messageId).catch(() => true))) {
      await ctx.blobs.delete(blobKey).catch((cleanup: unknown) => ctx.log.error('could not remove the blob of a refused message', { blob: blobKey, error: cleanup }));
    }
    throw error;
  }
}

/** The operator's first domain: where Missive's own messages and Message-IDs come from. */
export function operatorDomain(ctx: ServiceContext): string {
  return [...ctx.localDomains][0] ?? 'missive.invalid';
}

/** The address messages Missive writes itself come from (reports, notices): the null sender, shown. */
export function mailerDaemon(ctx: ServiceContext): string {
  return `mailer-daemon@${operatorDomain(ctx)}`;
}

/**
 * The envelope sender and the right to use it. The null sender (`MAIL FROM:<>`) is only the
 * operator's own: delivery status notifications, filed as from the mailer daemon.
 */
async function checkSender(ctx: ServiceContext, request: DepositRequest, snapshot: AddressSnapshot | null): Promise<{ senderText: string; senderMailbox: MailboxRow | null }> {
  if (request.envelope.from === '') {
    if (request.principal.kind !== 'operator' || request.principal.name !== SYSTEM_OPERATOR) throw new MissiveError('forbidden', 'only the operator itself sends with a null sender');
    return { senderText: mailerDaemon(ctx), senderMailbox: null };
  }
  const sender = parseAddress(request.envelope.from);
  const senderText = `${sender.local}@${sender.domain}`;
  return { senderText, senderMailbox: await authorizeSender(ctx, ctx.sql.read, request.principal, senderText, snapshot) };
}

/** Filing into a mailbox (APPEND) changes what every member sees: the manage right. */
async function checkFiling(ctx: ServiceContext, principal: Principal, mailboxId: string): Promise<void> {
  if (!(await holdsRight(ctx, principal, mailboxId, 'manage'))) throw new MissiveError('forbidden', `${describePrincipal(principal)} may not add messages to this mailbox`);
}

function queueRows(ctx: ServiceContext, deposit: { messageId: string; sender: string; recipients: readonly ResolvedRecipient[]; now: number }): OutboundQueueTable[] {
  const byDomain = Map.groupBy(deposit.recipients, (recipient) => recipient.domain);
  return [...byDomain].map(([domain, recipients]) => ({
    id: newOrderedId('out', deposit.now),
    message_id: deposit.messageId,
    sender: deposit.sender,
    domain,
    recipients: recipients.map((recipient) => recipient.address).join(' '),
    attempts: 0,
    next_attempt_at: deposit.now,
    expires_at: deposit.now + ctx.outbound.retryHours * 3_600_000,
    lease_until: null,
    last_error: null,
    created_at: deposit.now,
  }));
}

function searchTextOf(sender: string, index: MessageIndex): string {
  const people = [...index.from, ...index.to, ...index.cc].flatMap((person) => [person.name, person.address]);
  const files = index.attachments.map((attachment) => attachment.filename ?? '');
  return foldForSearch([sender, ...people, index.subject ?? '', ...files, index.textPreview].join(' '));
}

/** Envelope recipients absent from To and Cc were blind copies, whether or not a Bcc header named them. */
function headerKind(recipient: ResolvedRecipient, index: MessageIndex): 'to' | 'cc' | 'bcc' {
  const has = (list: readonly { address: string }[]) => list.some((entry) => addressKeyOrNull(entry.address) === recipient.key);
  if (has(index.to)) return 'to';
  if (has(index.cc)) return 'cc';
  return 'bcc';
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
