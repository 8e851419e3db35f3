import libmime from 'libmime';
import { formatRfc5322Date } from '../../core/header-block.ts';
import { SYSTEM_OPERATOR } from '../../core/principal.ts';
import type { ServiceContext } from '../context.ts';
import { deposit, mailerDaemon } from './deposit.ts';

export type MissiveMessage = {
  subject: string;
  /** RFC 3834: `auto-replied` for a report on a message, `auto-generated` otherwise. */
  autoSubmitted: 'auto-replied' | 'auto-generated';
  contentType: string;
  /** The body after the header, as its bytes (it may carry 8-bit text or another message's header). */
  body: readonly Buffer[];
};

/**
 * A message Missive itself writes to one of its users (a delivery report, codes to dictate): from
 * the mailer daemon and the null sender, through the one delivery path, into that user's Inbox.
 */
export async function fileFromMissive(ctx: ServiceContext, to: string, message: MissiveMessage): Promise<void> {
  const header = [
    `From: Missive <${mailerDaemon(ctx)}>`,
    `To: <${to}>`,
    `Subject: ${libmime.encodeWords(message.subject, 'Q', 52)}`,
    `Date: ${formatRfc5322Date(new Date(ctx.clock()))}`,
    `Auto-Submitted: ${message.autoSubmitted}`,
    'MIME-Version: 1.0',
    `Content-Type: ${message.contentType}`,
    '',
    '',
  ].join('\r\n');
  await deposit(ctx, { principal: { kind: 'operator', name: SYSTEM_OPERATOR }, channel: 'system', envelope: { from: '', to: [to] }, source: [Buffer.from(header), ...message.body] });
}
