import { MissiveError } from '../core/errors.ts';
import { chooseBodyParts, type BodyChoice, type BodySegment } from '../core/mime/body-parts.ts';
import { safeFilename } from '../core/mime/filename.ts';
import { decodeCharset } from '../core/mime/part-decoder.ts';
import { readDecodedBodies } from '../core/mime/part-reader.ts';
import type { Principal } from '../core/principal.ts';
import type { ServiceContext } from './context.ts';
import type { IndexedAddress, MessageIndex, StoredPart } from './deposit/message-index.ts';
import { messageHtmlDocument, plainTextAsHtml, sanitizeHtml } from './html-sanitizer.ts';
import { htmlToText } from './html-text.ts';
import { openMessage, type OpenedMessage } from './open.ts';

export type ReadRequest = {
  principal: Principal;
  messageId: string;
  /** The mailbox the reader opens it from (see OpenRequest). */
  viaMailboxId?: string;
};

export type MessageBody = {
  id: string;
  messageIdHeader: string;
  subject: string | null;
  from: IndexedAddress[];
  sender: IndexedAddress[];
  replyTo: IndexedAddress[];
  to: IndexedAddress[];
  cc: IndexedAddress[];
  date: number | null;
  receivedAt: number;
  /** The text a person reads, decoded; null when the message has none (only files). */
  text: string | null;
  hasHtml: boolean;
  attachments: { part: string; filename: string | null; contentType: string; size: number; inline: boolean }[];
  inReplyTo: string | null;
  references: string[];
  mss: MessageIndex['mss'];
};

/** Decoded bytes read for one view at most: a text part can be as large as the message. */
const READ_BUDGET = 4 * 1024 * 1024;
/** Characters of text given at most. */
export const TEXT_LIMIT = 2 * 1024 * 1024;
const CUT_NOTE = '[…]';

/** A message read as a person reads it: its headers, its text, its files. An opening. */
export async function readMessageBody(ctx: ServiceContext, request: ReadRequest): Promise<MessageBody> {
  const opened = await openMessage(ctx, openRequest(request));
  const index = opened.index;
  const choice = choiceOf(index);
  let text = await textOf(opened, choice.text);
  // Some senders write an empty text/plain beside the real HTML: then the HTML says it. The
  // opening is recorded already, so reading again is a peek.
  if ((text === null || text.trim() === '') && hasHtml(index) && choice.text.every((segment) => segment.kind === 'plain')) {
    text = await textOf(await openMessage(ctx, { ...openRequest(request), peek: true }), choice.html.filter((segment) => segment.kind === 'html'));
  }
  return {
    id: opened.messageId,
    messageIdHeader: opened.messageIdHeader,
    subject: index.subject ?? null,
    from: index.from ?? [],
    sender: index.sender ?? [],
    replyTo: index.replyTo ?? [],
    to: index.to ?? [],
    cc: index.cc ?? [],
    date: index.date ?? null,
    receivedAt: opened.receivedAt,
    text,
    hasHtml: hasHtml(index),
    attachments: (index.attachments ?? []).map((attachment) => ({
      part: attachment.part,
      filename: safeFilename(attachment.filename),
      contentType: attachment.contentType,
      size: attachment.size,
      inline: attachment.inline,
    })),
    inReplyTo: index.inReplyTo ?? null,
    references: index.references ?? [],
    mss: index.mss ?? { codeCda: null, ins: null, nil: null, mes: null },
  };
}

/** The whole text of a message, as a person reads it, for searching: a peek (a search is not a reading). */
export async function searchableText(ctx: ServiceContext, request: ReadRequest): Promise<string> {
  const opened = await openMessage(ctx, { ...openRequest(request), peek: true });
  const choice = choiceOf(opened.index);
  const plain = choice.text.some((segment) => segment.kind === 'plain');
  return (await textOf(opened, plain ? choice.text : choice.html)) ?? '';
}

/**
 * The message's HTML, sanitized, as a whole document. An opening; a message without HTML is
 * refused before anything is recorded.
 */
export async function readMessageHtml(ctx: ServiceContext, request: ReadRequest): Promise<string> {
  const opened = await openAfterCheck(ctx, request, (index) => {
    if (!hasHtml(index)) throw new MissiveError('not_found', 'this message has no HTML part');
  });
  const segments = choiceOf(opened.index).html;
  const { texts, truncated } = await decodeSegments(opened, segments);
  const body = segments.map((segment, at) => (segment.kind === 'html' ? sanitizeHtml(texts[at]!) : plainTextAsHtml(normaliseText(texts[at]!))));
  if (truncated) body.push(`<p>${CUT_NOTE}</p>`);
  return messageHtmlDocument(body.join('\n'));
}

/**
 * Opens the message for reading only if `check` accepts its index, so that a request for
 * something the message does not have changes nothing: the check is made on a peek.
 */
export async function openAfterCheck(ctx: ServiceContext, request: ReadRequest, check: (index: MessageIndex) => void, options: { attachment?: boolean } = {}): Promise<OpenedMessage> {
  const peeked = await openMessage(ctx, { ...openRequest(request), peek: true });
  peeked.content.destroy();
  check(peeked.index);
  return openMessage(ctx, { ...openRequest(request), ...options });
}

function openRequest(request: ReadRequest) {
  return {
    principal: request.principal,
    messageId: request.messageId,
    // The web client and the vault's pages share these reads; the proof says which it was.
    channel: request.principal.kind === 'vault' ? ('vault' as const) : ('web' as const),
    ...(request.viaMailboxId === undefined ? {} : { viaMailboxId: request.viaMailboxId }),
  };
}

function choiceOf(index: MessageIndex): BodyChoice<StoredPart> {
  // An index always has its structure; an empty one means nothing to show rather than a crash.
  return index.structure ? chooseBodyParts(index.structure) : { text: [], html: [] };
}

function hasHtml(index: MessageIndex): boolean {
  return choiceOf(index).html.some((segment) => segment.kind === 'html');
}

async function textOf(opened: OpenedMessage, segments: BodySegment<StoredPart>[]): Promise<string | null> {
  if (segments.length === 0) {
    opened.content.destroy();
    return null;
  }
  const { texts, truncated } = await decodeSegments(opened, segments);
  let text = segments
    .map((segment, at) => (segment.kind === 'html' ? htmlToText(texts[at]!) : normaliseText(texts[at]!)))
    .filter((piece) => piece.trim() !== '')
    .join('\n\n');
  let cut = truncated;
  if (text.length > TEXT_LIMIT) {
    cut = true;
    text = text.slice(0, TEXT_LIMIT).toWellFormed();
  }
  // A character split by the cut decodes as U+FFFD (or half a pair, made U+FFFD above).
  if (cut) text = `${text.replace(/\uFFFD+$/, '').trimEnd()}\n${CUT_NOTE}`;
  return text;
}

/** The segments' bodies read from the message in one pass, transfer encoding and charset undone. */
async function decodeSegments(opened: OpenedMessage, segments: BodySegment<StoredPart>[]): Promise<{ texts: string[]; truncated: boolean }> {
  const order = segments.map((segment, at) => ({ segment, at })).sort((a, b) => a.segment.part.bodyStart - b.segment.part.bodyStart);
  const { bodies, truncated } = await readDecodedBodies(
    opened.content,
    order.map(({ segment }) => segment.part),
    READ_BUDGET,
  );
  const texts: string[] = new Array(segments.length);
  order.forEach(({ segment, at }, position) => {
    const bytes = bodies[position]!;
    texts[at] = decodeCharset(bytes, segment.part.params.charset ?? (segment.kind === 'html' ? declaredCharset(bytes) : undefined)).replace(/\u0000/g, '');
  });
  return { texts, truncated };
}

/** An HTML part without a charset parameter may say it in a <meta>, as browsers read it. */
function declaredCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head)?.[1];
}

/** Line ends as a browser's text wants them. */
function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
