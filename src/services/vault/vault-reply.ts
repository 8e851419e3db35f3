import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { MissiveError } from '../../core/errors.ts';
import type { VaultPrincipal } from '../../core/principal.ts';
import { findMailbox } from '../../store/repositories/accounts.ts';
import { findMessage } from '../../store/repositories/messages.ts';
import { giveBackVaultReply, takeVaultReply, type VaultItemRow } from '../../store/repositories/vault.ts';
import type { ServiceContext } from '../context.ts';
import { deposit, type DepositResult } from '../deposit/deposit.ts';

export type VaultReply = { text: string; attachments: readonly { filename: string; contentType: string; content: Buffer }[] };

export const MAX_REPLY_ATTACHMENTS = 5;
const MAX_TEXT = 100_000;

/**
 * An answer written on the vault's page: a message from the link's address to the mailbox that
 * wrote, through the one delivery path (so it is filed, proven and tracked like any other), in
 * the thread of the message answered. The sender's choice holds: no reply, one, or a thread.
 */
export async function replyFromVault(ctx: ServiceContext, principal: VaultPrincipal, item: VaultItemRow, reply: VaultReply): Promise<DepositResult> {
  const text = reply.text.trim();
  if (text === '' && reply.attachments.length === 0) throw new MissiveError('invalid_argument', 'write something or attach a file');
  if (text.length > MAX_TEXT) throw new MissiveError('invalid_argument', `a reply holds at most ${MAX_TEXT} characters`);
  if (reply.attachments.length > MAX_REPLY_ATTACHMENTS) throw new MissiveError('invalid_argument', `at most ${MAX_REPLY_ATTACHMENTS} files`);
  for (const file of reply.attachments) {
    if (file.content.length > ctx.limits.maxAttachmentBytes) throw new MissiveError('attachment_too_large', `${file.filename.slice(0, 60)} is larger than the ${Math.round(ctx.limits.maxAttachmentBytes / 1048576)} MB a file may be`);
  }
  if (item.replies === 'none') throw new MissiveError('forbidden', 'the sender does not accept replies to this message');
  const [original, mailbox] = await Promise.all([findMessage(ctx.sql.read, item.message_id), findMailbox(ctx.sql.read, item.sender_mailbox_id)]);
  if (!original || !mailbox) throw new MissiveError('not_found', 'no such message');
  // Counted before sending: two replies at once cannot both take the last one.
  const allowed = await ctx.sql.write((trx) => takeVaultReply(trx, item.id));
  if (!allowed) throw new MissiveError('forbidden', item.replies === 'once' ? 'the reply this message allowed has been sent already' : 'this conversation has reached the number of replies it allows: write to the sender by other means');
  const subject = original.subject ? (/^re\s*:/i.test(original.subject) ? original.subject : `Re: ${original.subject}`) : 'Re:';
  const source = new MailComposer({
    from: item.address,
    to: { name: mailbox.display_name, address: mailbox.address },
    subject,
    text,
    inReplyTo: original.message_id_header,
    references: [original.message_id_header],
    attachments: reply.attachments.map((file) => ({ filename: file.filename, contentType: file.contentType, content: file.content, contentTransferEncoding: 'base64' as const })),
    headers: { 'X-MSS-NIL': 'Missive vault' },
  })
    .compile()
    .createReadStream();
  try {
    return await deposit(ctx, { principal, channel: 'vault', envelope: { from: item.address, to: [mailbox.address] }, source });
  } catch (error) {
    // Not sent: the allowance is given back.
    await ctx.sql.write((trx) => giveBackVaultReply(trx, item.id)).catch((giveBack: unknown) => ctx.log.error('a vault reply allowance could not be given back', { item: item.id, error: giveBack }));
    throw error;
  } finally {
    source.destroy();
  }
}
