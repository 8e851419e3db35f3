import { addressKey } from '../core/address.ts';
import { MissiveError } from '../core/errors.ts';
import type { Principal } from '../core/principal.ts';
import { findMailboxByKey } from '../store/repositories/accounts.ts';
import { findMessage, mailboxesHolding, recipientsOf, type MessageRow } from '../store/repositories/messages.ts';
import type { ServiceContext } from './context.ts';
import { holdsRight } from './rights.ts';

export type Tracking = {
  messageId: string;
  subject: string | null;
  sentAt: number;
  recipients: { address: string; kind: 'to' | 'cc' | 'bcc'; route: string; state: string; deliveredAt: number | null; openedAt: number | null }[];
};

/**
 * A message as its sending side may see it: a reader of the sending mailbox, where it is filed
 * (or was, until retention purged its content, for proofs); anyone else: not found.
 */
export async function sentMessageFor(ctx: ServiceContext, principal: Principal, messageId: string, options: { purgedToo?: boolean } = {}): Promise<MessageRow> {
  const message = await findMessage(ctx.sql.read, messageId);
  const senderMailbox = message ? await findMailboxByKey(ctx.sql.read, addressKey(message.sender)) : undefined;
  const purged = options.purgedToo === true && message?.purged_at !== null && message?.purged_at !== undefined;
  const filed = purged || (senderMailbox ? (await mailboxesHolding(ctx.sql.read, messageId)).includes(senderMailbox.id) : false);
  if (!message || !senderMailbox || !filed || !(await holdsRight(ctx, principal, senderMailbox.id, 'read'))) {
    throw new MissiveError('not_found', 'no such message among those you sent');
  }
  return message;
}

/**
 * What happened to a sent message, per recipient ("Suivi"). Only the sending side sees it:
 * a reader of the sending mailbox, where the message is still filed. A recipient learns
 * nothing of the other recipients' readings; anyone else is told the message does not exist.
 */
export async function trackMessage(ctx: ServiceContext, principal: Principal, messageId: string): Promise<Tracking> {
  const message = await sentMessageFor(ctx, principal, messageId);
  const recipients = await recipientsOf(ctx.sql.read, message.id);
  return {
    messageId: message.id,
    subject: message.subject,
    sentAt: Number(message.received_at),
    recipients: recipients.map((recipient) => ({
      address: recipient.address,
      kind: recipient.header_kind,
      route: recipient.route,
      state: recipient.state,
      deliveredAt: recipient.delivered_at === null ? null : Number(recipient.delivered_at),
      openedAt: recipient.opened_at === null ? null : Number(recipient.opened_at),
    })),
  };
}
