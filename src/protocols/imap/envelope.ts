import libmime from 'libmime';
import { formatRfc5322Date } from '../../core/header-block.ts';
import type { IndexedAddress, MessageIndex } from '../../services/deposit/message-index.ts';
import { encode, type ResponseValue } from './codec/response-writer.ts';

/**
 * ENVELOPE (RFC 3501 §7.4.2) from the index deposit stored: date, subject, from, sender,
 * reply-to, to, cc, bcc, in-reply-to, message-id. Text beyond ASCII goes as RFC 2047 words, as
 * an IMAP4rev1 client expects.
 */
export function envelopeOf(index: MessageIndex): ResponseValue {
  const from = addresses(index.from);
  return [
    index.date === null ? null : formatRfc5322Date(new Date(index.date)),
    index.subject === null ? null : words(index.subject),
    from,
    index.sender.length > 0 ? addresses(index.sender) : from,
    index.replyTo.length > 0 ? addresses(index.replyTo) : from,
    addresses(index.to),
    addresses(index.cc),
    null,
    index.inReplyTo,
    index.messageId,
  ];
}

/** The envelope as response text, as kept with the message after its first FETCH. */
export function encodedEnvelope(index: MessageIndex): string {
  return encode(envelopeOf(index)).toString('utf8');
}

function addresses(list: readonly IndexedAddress[]): ResponseValue {
  if (list.length === 0) return null;
  return list.map((entry) => {
    const at = entry.address.lastIndexOf('@');
    return [entry.name ? words(entry.name) : null, null, at >= 0 ? entry.address.slice(0, at) : entry.address, at >= 0 ? entry.address.slice(at + 1) : null];
  });
}

function words(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : libmime.encodeWords(text, 'Q', 52);
}
