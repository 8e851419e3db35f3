import { mailboxList } from '../../core/address-list.ts';
import { headerValue, type HeaderField } from '../../core/header-block.ts';
import { decodeHeaderText } from '../../core/header-text.ts';
import { MimeIndexer } from '../../core/mime/mime-indexer.ts';
import { filenameOf, type MimePart } from '../../core/mime/mime-part.ts';

export type IndexedAddress = { name: string; address: string };
export type IndexedAttachment = { part: string; filename: string | null; contentType: string; size: number; contentId: string | null; inline: boolean };

/** A MIME part as stored: the tree with offsets, without the raw headers (they stay in the blob). */
export type StoredPart = Omit<MimePart, 'headers' | 'children'> & { children: StoredPart[] };

/**
 * What deposit learns from parsing a message once; stored with the message so that no reader
 * (web list, IMAP ENVELOPE and BODYSTRUCTURE, search) parses it again.
 */
export type MessageIndex = {
  subject: string | null;
  from: IndexedAddress[];
  sender: IndexedAddress[];
  replyTo: IndexedAddress[];
  to: IndexedAddress[];
  cc: IndexedAddress[];
  date: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: IndexedAttachment[];
  textPreview: string;
  /** MSSanté headers (see docs/MSSANTE.md): kept so later issues can route and acknowledge. */
  mss: { codeCda: string | null; ins: string | null; nil: string | null; mes: string | null };
  dispositionNotificationTo: string | null;
  structure: StoredPart;
};

/** Characters of text kept in the index (previews, and the start of what search sees). */
export const PREVIEW_CHARS = 240;

/** An indexer to write the canonical message into, chunk by chunk; `end` gives its index. */
export function createIndexer(maxAttachmentBytes: number): { write(chunk: Buffer): void; end(): MessageIndex } {
  const indexer = new MimeIndexer({ maxAttachmentBytes });
  return {
    write: (chunk) => indexer.write(chunk),
    end: () => {
      const { root, preview } = indexer.end();
      return summarise(root, preview);
    },
  };
}

function summarise(root: MimePart, preview: { part: MimePart; raw: Buffer } | null): MessageIndex {
  const headers = root.headers;
  const text = (name: string) => {
    const value = headerValue(headers, name);
    return value === undefined ? null : decodeHeaderText(value);
  };
  return {
    subject: text('subject'),
    from: addresses(headers, 'from'),
    sender: addresses(headers, 'sender'),
    replyTo: addresses(headers, 'reply-to'),
    to: addresses(headers, 'to'),
    cc: addresses(headers, 'cc'),
    date: parseDate(headerValue(headers, 'date')),
    messageId: headerValue(headers, 'message-id') ?? null,
    inReplyTo: headerValue(headers, 'in-reply-to') ?? null,
    references: (headerValue(headers, 'references') ?? '').split(/\s+/).filter(Boolean),
    attachments: attachmentsOf(root),
    textPreview: preview ? previewText(preview.part, preview.raw) : '',
    mss: { codeCda: text('x-mss-codecda'), ins: text('x-mss-ins'), nil: text('x-mss-nil'), mes: text('x-mss-mes') },
    dispositionNotificationTo: addresses(headers, 'disposition-notification-to')[0]?.address ?? null,
    structure: stored(root),
  };
}

// Field by field, in the parser's order: a rest pattern (`...rest`) copies through V8's slow generic path.
function stored(part: MimePart): StoredPart {
  return {
    contentType: part.contentType,
    params: part.params,
    disposition: part.disposition,
    dispositionParams: part.dispositionParams,
    encoding: part.encoding,
    contentId: part.contentId,
    description: part.description,
    headerStart: part.headerStart,
    bodyStart: part.bodyStart,
    bodyEnd: part.bodyEnd,
    lines: part.lines,
    decodedSize: part.decodedSize,
    attachment: part.attachment,
    children: part.children.map(stored),
  };
}

/** Leaves that are files, with their IMAP part numbers (1, 1.2, …). */
function attachmentsOf(root: MimePart): IndexedAttachment[] {
  const out: IndexedAttachment[] = [];
  const visit = (part: MimePart, number: string) => {
    if (part.children.length > 0 && part.contentType !== 'message/rfc822') {
      part.children.forEach((child, index) => visit(child, number ? `${number}.${index + 1}` : String(index + 1)));
      return;
    }
    if (!part.attachment) return;
    out.push({
      part: number || '1',
      filename: filenameOf(part),
      contentType: part.contentType,
      size: part.decodedSize,
      contentId: part.contentId,
      inline: part.disposition === 'inline' || (part.disposition === null && part.contentId !== null),
    });
  };
  visit(root, '');
  return out;
}

function addresses(headers: readonly HeaderField[], name: string): IndexedAddress[] {
  const value = headerValue(headers, name);
  if (!value) return [];
  return mailboxList(value)
    .filter((entry) => typeof entry.address === 'string' && entry.address !== '')
    .map((entry) => ({ name: decodeHeaderText(entry.name ?? ''), address: entry.address }));
}


function parseDate(value: string | undefined): number | null {
  if (!value) return null;
  // Comments nest (RFC 5322 §3.2.2): remove the innermost until none is left.
  let text = value;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, ' ');
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

/** The first words of the text, decoded, for lists and notifications: never more than a line. */
function previewText(part: MimePart, raw: Buffer): string {
  let bytes: Buffer = raw;
  // Node's decoder stops at padding and ignores an incomplete final group.
  if (part.encoding === 'base64') bytes = Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (part.encoding === 'quoted-printable') bytes = decodeQuotedPrintable(raw);
  let text: string;
  try {
    text = new TextDecoder(part.params.charset ?? 'utf-8').decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  if (part.contentType === 'text/html') text = decodeEntities(text.replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
  return text.replace(/\u0000/g, '').replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

// The named references a French letter uses; numeric references cover the rest.
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', laquo: '«', raquo: '»', euro: '€', deg: '°', hellip: '…', rsquo: '’', lsquo: '‘', ndash: '–', mdash: '—',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', agrave: 'à', acirc: 'â', auml: 'ä', ccedil: 'ç', icirc: 'î', iuml: 'ï', ocirc: 'ô', ouml: 'ö', ugrave: 'ù', ucirc: 'û', uuml: 'ü', oelig: 'œ', aelig: 'æ',
  Eacute: 'É', Egrave: 'È', Ecirc: 'Ê', Agrave: 'À', Acirc: 'Â', Ccedil: 'Ç', Icirc: 'Î', Ocirc: 'Ô', Ugrave: 'Ù', Ucirc: 'Û', OElig: 'Œ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (reference, name: string) => {
    if (name[0] !== '#') return ENTITIES[name] ?? reference;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
  });
}

function decodeQuotedPrintable(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/=\r\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1');
}
