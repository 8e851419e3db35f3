import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { MissiveError } from '../../core/errors.ts';

export type IndexedAddress = { name: string; address: string };
export type IndexedAttachment = { filename: string | null; contentType: string; size: number; contentId: string | null; inline: boolean };

/**
 * What deposit learns from parsing a message once; stored with the message so that no reader
 * (web list, IMAP ENVELOPE, search) parses it again.
 */
export type MessageIndex = {
  subject: string | null;
  from: IndexedAddress[];
  to: IndexedAddress[];
  cc: IndexedAddress[];
  replyTo: IndexedAddress[];
  date: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: IndexedAttachment[];
  textPreview: string;
  /** MSSanté headers (see docs/MSSANTE.md): kept so later issues can route and acknowledge. */
  mss: { codeCda: string | null; ins: string | null; nil: string | null; mes: string | null };
  dispositionNotificationTo: string | null;
};

const PREVIEW_CHARS = 240;

/**
 * A parser to write the canonical message into, and the index it yields. Attachments stream
 * through a byte counter and are dropped: only their sizes and names are kept, so a 10 MB
 * attachment costs a few chunks of memory here. Over the limit, the index rejects.
 */
export function createIndexer(maxAttachmentBytes: number): { parser: MailParser; index: Promise<MessageIndex> } {
  const parser = new MailParser({ skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const index = new Promise<MessageIndex>((resolve, reject) => {
    let headers: Map<string, unknown> = new Map();
    const attachments: IndexedAttachment[] = [];
    let text = '';
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error);
      parser.destroy();
    };
    parser.on('headers', (map: Map<string, unknown>) => {
      headers = map;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = (data.text ?? '').trim();
        return;
      }
      const attachment = data;
      let size = 0;
      attachment.content.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxAttachmentBytes) {
          const name = attachment.filename ?? 'an attachment';
          fail(new MissiveError('attachment_too_large', `${name} is larger than the ${maxAttachmentBytes}-byte limit per attachment`, { limit: maxAttachmentBytes }));
        }
      });
      attachment.content.on('end', () => {
        attachments.push({
          filename: attachment.filename ?? null,
          contentType: attachment.contentType,
          size,
          contentId: attachment.contentId ?? null,
          inline: attachment.contentDisposition === 'inline',
        });
        attachment.release();
      });
    });
    parser.on('error', (error: Error) => fail(new MissiveError('malformed_message', `malformed message: ${error.message}`)));
    parser.on('end', () => {
      if (failed) return;
      resolve({
        subject: stringHeader(headers, 'subject'),
        from: addresses(headers.get('from')),
        to: addresses(headers.get('to')),
        cc: addresses(headers.get('cc')),
        replyTo: addresses(headers.get('reply-to')),
        date: dateHeader(headers.get('date')),
        messageId: stringHeader(headers, 'message-id'),
        inReplyTo: stringHeader(headers, 'in-reply-to'),
        references: referenceList(headers.get('references')),
        attachments,
        textPreview: text.replace(/\s+/g, ' ').slice(0, PREVIEW_CHARS),
        mss: {
          codeCda: stringHeader(headers, 'x-mss-codecda'),
          ins: stringHeader(headers, 'x-mss-ins'),
          nil: stringHeader(headers, 'x-mss-nil'),
          mes: stringHeader(headers, 'x-mss-mes'),
        },
        dispositionNotificationTo: addresses(headers.get('disposition-notification-to'))[0]?.address ?? null,
      });
    });
  });
  return { parser, index };
}

function stringHeader(headers: Map<string, unknown>, name: string): string | null {
  const value = headers.get(name);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

function addresses(value: unknown): IndexedAddress[] {
  const objects = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  const out: IndexedAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address });
    }
  };
  for (const object of objects) visit(object.value ?? []);
  return out;
}

function dateHeader(value: unknown): number | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : null;
}

function referenceList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}
