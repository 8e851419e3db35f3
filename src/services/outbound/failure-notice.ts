import { randomBytes } from 'node:crypto';
import { formatRfc5322Date } from '../../core/header-block.ts';
import type { MessageRow } from '../../store/repositories/messages.ts';
import type { ServiceContext } from '../context.ts';
import { decryptedContent } from '../content.ts';
import { operatorDomain } from '../deposit/deposit.ts';
import { fileFromMissive } from '../deposit/from-missive.ts';

export type FailedRecipient = { address: string; reply: string; remoteHost: string | null; expired: boolean };

const MAX_HEADER_BYTES = 64 * 1024;

/**
 * A delivery status notification (RFC 3464) to the sender of a message some recipients of
 * another operator will never get: a French and English explanation, the machine-readable
 * report, and the original header (not the body: the sender has it in Sent). Filed in the
 * sender's Inbox through the one delivery path, from the null sender.
 */
export async function sendFailureNotice(ctx: ServiceContext, message: MessageRow, failed: readonly FailedRecipient[]): Promise<void> {
  const now = new Date(ctx.clock());
  const boundary = `report-${randomBytes(12).toString('hex')}`;
  const originalHeader = await headerOf(ctx, message).catch(() => Buffer.from(`Message-ID: ${message.message_id_header}\r\n`));
  const subject = message.subject ? `Non remis : ${message.subject}` : 'Message non remis';
  const lines = (reason: (recipient: FailedRecipient) => string) => failed.map((recipient) => `  ${recipient.address}\r\n    ${reason(recipient)}`).join('\r\n');
  const text = [
    `Votre message du ${formatRfc5322Date(new Date(message.received_at))} n'a pas pu être remis à :`,
    '',
    lines((recipient) => (recipient.expired ? `toujours injoignable après ${ctx.outbound.retryHours} heures d'essais (${recipient.reply})` : `refusé par l'opérateur destinataire : ${recipient.reply}`)),
    '',
    "Les autres destinataires ne sont pas concernés. Le suivi du message dans Missive montre l'état de chaque destinataire.",
    '',
    '---',
    '',
    'Your message could not be delivered to:',
    '',
    lines((recipient) => (recipient.expired ? `still unreachable after ${ctx.outbound.retryHours} hours of retries (${recipient.reply})` : `refused by the recipient's operator: ${recipient.reply}`)),
    '',
  ].join('\r\n');
  const report = [
    `Reporting-MTA: dns; ${operatorDomain(ctx)}`,
    `Arrival-Date: ${formatRfc5322Date(new Date(message.received_at))}`,
    ...failed.flatMap((recipient) => [
      '',
      `Final-Recipient: rfc822; ${recipient.address}`,
      'Action: failed',
      `Status: ${statusOf(recipient)}`,
      ...(recipient.remoteHost ? [`Remote-MTA: dns; ${recipient.remoteHost}`] : []),
      `Diagnostic-Code: smtp; ${recipient.reply.replace(/[^\x20-\x7e]/g, '?')}`,
      `Last-Attempt-Date: ${formatRfc5322Date(now)}`,
    ]),
    '',
  ].join('\r\n');
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    report,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    '',
  ].join('\r\n');
  // The original header as its bytes: it may hold 8-bit text.
  await fileFromMissive(ctx, message.sender, {
    subject,
    autoSubmitted: 'auto-replied',
    contentType: `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    body: [Buffer.from(parts), originalHeader, Buffer.from(`--${boundary}--\r\n`)],
  });
}

/** The enhanced status code of the reply when it has one (RFC 3463), else a generic one. */
function statusOf(recipient: FailedRecipient): string {
  if (recipient.expired) return '4.4.7';
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(recipient.reply)?.[1]?.replace(/^4/, '5') ?? '5.0.0';
}

async function headerOf(ctx: ServiceContext, message: MessageRow): Promise<Buffer> {
  const content = await decryptedContent(ctx, message);
  let bytes = Buffer.alloc(0);
  for await (const chunk of content) {
    bytes = Buffer.concat([bytes, chunk as Buffer]);
    const end = bytes.indexOf('\r\n\r\n');
    if (end >= 0 || bytes.length > MAX_HEADER_BYTES) {
      content.destroy();
      return Buffer.concat([bytes.subarray(0, end >= 0 ? end : MAX_HEADER_BYTES), Buffer.from('\r\n')]);
    }
  }
  return bytes;
}
