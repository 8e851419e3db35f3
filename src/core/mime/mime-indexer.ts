import libmime from 'libmime';
import { MissiveError } from '../errors.ts';
import { headerValue, readHeaderFields } from '../header-block.ts';
import type { MimePart } from './mime-part.ts';

const CR = 13;
const LF = 10;
const DASH = 45;
// Enough of a line to recognise a boundary delimiter (2 + 70 + 2 + some transport padding).
const LINE_HEAD = 256;
const MAX_PART_HEADER = 64 * 1024;
const MAX_DEPTH = 32;
const PREVIEW_BYTES = 16 * 1024;

type State = 'headers' | 'body' | 'preamble' | 'epilogue';
type Frame = {
  part: MimePart;
  state: State;
  boundary: string | null;
  header: Buffer[];
  headerBytes: number;
  /** The previous body line's CRLF, counted only once a following body line shows it is content. */
  pendingNewline: boolean;
  /** The current quoted-printable line ended with "=": its CRLF is a soft break, not content. */
  softBreak: boolean;
  /** Base64 characters seen so far: whole bytes are counted as they complete. */
  sextets: number;
};

export type MimeIndexerLimits = { maxAttachmentBytes: number };

/**
 * A streaming MIME indexer: bytes in (a canonical CRLF message, in chunks of any size), the tree
 * of parts out, with offsets, line counts and decoded sizes. It never decodes or buffers a body:
 * a 10 MB attachment costs a counter. Synchronous, so a deposit pays no event-loop hops for it.
 */
export class MimeIndexer {
  readonly #limits: MimeIndexerLimits;
  readonly #stack: Frame[];
  readonly #root: MimePart;
  #offset = 0;
  #lineStart = 0;
  #head = Buffer.alloc(LINE_HEAD);
  #headLength = 0;
  #preview: { part: MimePart; chunks: Buffer[]; bytes: number } | null = null;

  constructor(limits: MimeIndexerLimits) {
    this.#limits = limits;
    this.#root = newPart(0);
    this.#stack = [newFrame(this.#root)];
  }

  write(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.#segment(chunk, start, end);
      this.#offset += end - start;
      if (newline !== -1) this.#endLine();
      start = end;
    }
  }

  /** Closes every open part at the end of the message and returns the root. */
  end(): { root: MimePart; preview: { part: MimePart; raw: Buffer } | null } {
    if (this.#offset > this.#lineStart) this.#endLine();
    while (this.#stack.length > 0) this.#close(this.#stack.pop()!, this.#offset);
    const preview = this.#preview ? { part: this.#preview.part, raw: Buffer.concat(this.#preview.chunks) } : null;
    return { root: this.#root, preview };
  }

  /** Part of a line: remember its head (for boundaries and headers) and count it toward the current body. */
  #segment(chunk: Buffer, start: number, end: number): void {
    const frame = this.#top();
    const copy = Math.min(end - start, LINE_HEAD - this.#headLength);
    if (copy > 0) {
      chunk.copy(this.#head, this.#headLength, start, start + copy);
      this.#headLength += copy;
    }
    if (frame.state === 'headers') {
      frame.headerBytes += end - start;
      if (frame.headerBytes > MAX_PART_HEADER) throw malformed(`a MIME part header exceeds ${MAX_PART_HEADER} bytes`);
      frame.header.push(chunk.subarray(start, end));
    } else if (frame.state === 'body' && !this.#mayBeBoundary()) {
      this.#countBody(frame, chunk, start, end);
    }
  }

  /**
   * A body line starting with "-" inside a multipart may be a delimiter: its bytes are held (in
   * the line head) until its end shows what it is. Deciding on the first byte keeps a line split
   * across chunks counted exactly once.
   */
  #mayBeBoundary(): boolean {
    return this.#headLength >= 1 && this.#head[0] === DASH && this.#stack.some((frame) => frame.boundary !== null);
  }

  #endLine(): void {
    const lineStart = this.#lineStart;
    const lineLength = this.#offset - lineStart;
    const frame = this.#top();
    const delimiter = this.#headLength >= 2 && this.#head[0] === DASH && this.#head[1] === DASH ? this.#matchBoundary() : null;
    if (delimiter) {
      this.#onDelimiter(delimiter.index, delimiter.closing, lineStart);
    } else if (frame.state === 'headers') {
      if (lineLength <= 2 && (this.#headLength === 0 || this.#head[0] === CR || this.#head[0] === LF)) this.#endHeaders(frame, this.#offset, true);
    } else if (frame.state === 'body') {
      // A held "-" line that matched no delimiter is ordinary body text: count it now.
      if (this.#mayBeBoundary()) this.#countHeldLine(frame, lineLength);
      frame.part.lines++;
      frame.pendingNewline = !frame.softBreak;
      frame.softBreak = false;
    }
    this.#lineStart = this.#offset;
    this.#headLength = 0;
  }

  #matchBoundary(): { index: number; closing: boolean } | null {
    let end = this.#headLength;
    // Trailing CRLF and transport padding (RFC 2046 §5.1.1) are not part of the delimiter.
    while (end > 2 && [CR, LF, 32, 9].includes(this.#head[end - 1]!)) end--;
    const text = this.#head.toString('latin1', 2, end);
    for (let index = this.#stack.length - 1; index >= 0; index--) {
      const boundary = this.#stack[index]!.boundary;
      if (boundary === null) continue;
      if (text === boundary) return { index, closing: false };
      if (text === `${boundary}--`) return { index, closing: true };
    }
    return null;
  }

  #onDelimiter(index: number, closing: boolean, lineStart: number): void {
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    const bodyEnd = Math.max(lineStart - 2, 0);
    while (this.#stack.length - 1 > index) this.#close(this.#stack.pop()!, bodyEnd);
    const multipart = this.#stack[index]!;
    if (closing) {
      multipart.state = 'epilogue';
      return;
    }
    if (multipart.state === 'epilogue') return; // a delimiter after the close delimiter: ignore
    multipart.state = 'preamble';
    if (this.#stack.length >= MAX_DEPTH) throw malformed(`MIME parts are nested more than ${MAX_DEPTH} deep`);
    const child = newPart(this.#offset);
    multipart.part.children.push(child);
    this.#stack.push(newFrame(child));
  }

  /** `nest`: false when the part is being closed, so a message/rfc822 part gets no inner part to fill. */
  #endHeaders(frame: Frame, bodyStart: number, nest: boolean): void {
    const part = frame.part;
    part.headers = readHeaderFields(Buffer.concat(frame.header), () => {});
    frame.header = [];
    part.bodyStart = bodyStart;
    const type = parseValue(headerValue(part.headers, 'content-type'));
    const parent = this.#stack.at(-2)?.part;
    part.contentType = normaliseType(type?.value) ?? (parent?.contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain');
    part.params = type?.params ?? {};
    const disposition = parseValue(headerValue(part.headers, 'content-disposition'));
    part.disposition = disposition?.value.toLowerCase() ?? null;
    part.dispositionParams = disposition?.params ?? {};
    part.encoding = (headerValue(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
    part.contentId = headerValue(part.headers, 'content-id') ?? null;
    part.description = headerValue(part.headers, 'content-description') ?? null;
    if (part.contentType.startsWith('multipart/') && part.params.boundary) {
      frame.state = 'preamble';
      frame.boundary = part.params.boundary;
      return;
    }
    frame.state = 'body';
    part.attachment = isAttachment(part);
    if (nest && part.contentType === 'message/rfc822' && !['base64', 'quoted-printable'].includes(part.encoding)) {
      // The body is a whole message: index it as a child, with its own header.
      if (this.#stack.length >= MAX_DEPTH) throw malformed(`MIME parts are nested more than ${MAX_DEPTH} deep`);
      const inner = newPart(this.#offset);
      part.children.push(inner);
      this.#stack.push(newFrame(inner));
      return;
    }
    if (!this.#preview && !part.attachment && (part.contentType === 'text/plain' || part.contentType === 'text/html')) {
      this.#preview = { part, chunks: [], bytes: 0 };
    }
  }

  #countBody(frame: Frame, chunk: Buffer, start: number, end: number): void {
    const part = frame.part;
    if (frame.pendingNewline) {
      frame.pendingNewline = false;
      if (part.encoding !== 'base64') this.#grow(part, 2);
      this.#keepPreview(part, Buffer.from('\r\n'));
    }
    let content = end;
    const endsLine = content > start && chunk[content - 1] === LF;
    if (endsLine) content--;
    if (content > start && chunk[content - 1] === CR) content--;
    if (content > start) this.#keepPreview(part, chunk.subarray(start, content));
    this.#grow(part, decodedLength(part.encoding, chunk, start, content, endsLine, frame));
  }

  /** A held "--" line turned out to be body text; its bytes are in the line head (or past it). */
  #countHeldLine(frame: Frame, lineLength: number): void {
    const part = frame.part;
    if (frame.pendingNewline && part.encoding !== 'base64') this.#grow(part, 2);
    frame.pendingNewline = false;
    const kept = Math.min(this.#headLength, lineLength);
    let content = kept;
    const endsLine = content > 0 && this.#head[content - 1] === LF;
    if (endsLine) content--;
    if (content > 0 && this.#head[content - 1] === CR) content--;
    // Past its head, an overlong "-" line is counted as raw bytes: exact enough for a size limit.
    const beyond = Math.max(lineLength - kept, 0);
    this.#grow(part, decodedLength(part.encoding, this.#head, 0, content, endsLine && beyond === 0, frame) + beyond);
  }

  #grow(part: MimePart, bytes: number): void {
    part.decodedSize += bytes;
    if (part.attachment && part.decodedSize > this.#limits.maxAttachmentBytes) {
      const name = part.dispositionParams.filename ?? part.params.name ?? 'an attachment';
      throw new MissiveError('attachment_too_large', `${name} is larger than the ${this.#limits.maxAttachmentBytes}-byte limit per attachment`, {
        limit: this.#limits.maxAttachmentBytes,
      });
    }
  }

  #keepPreview(part: MimePart, bytes: Buffer): void {
    const preview = this.#preview;
    if (!preview || preview.part !== part || preview.bytes >= PREVIEW_BYTES) return;
    const slice = bytes.subarray(0, PREVIEW_BYTES - preview.bytes);
    preview.chunks.push(Buffer.from(slice));
    preview.bytes += slice.length;
  }

  #close(frame: Frame, bodyEnd: number): void {
    const part = frame.part;
    // Ended before its empty line: all header, no body.
    if (frame.state === 'headers') this.#endHeaders(frame, bodyEnd, false);
    part.bodyEnd = Math.max(bodyEnd, part.bodyStart);
  }

  #top(): Frame {
    return this.#stack.at(-1)!;
  }
}

function newPart(headerStart: number): MimePart {
  return {
    contentType: 'text/plain',
    params: {},
    disposition: null,
    dispositionParams: {},
    encoding: '7bit',
    contentId: null,
    description: null,
    headers: [],
    headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    lines: 0,
    decodedSize: 0,
    attachment: false,
    children: [],
  };
}

function newFrame(part: MimePart): Frame {
  return { part, state: 'headers', boundary: null, header: [], headerBytes: 0, pendingNewline: false, softBreak: false, sextets: 0 };
}

function parseValue(value: string | undefined): { value: string; params: Record<string, string> } | null {
  if (!value) return null;
  try {
    return libmime.parseHeaderValue(value);
  } catch {
    return null;
  }
}

function normaliseType(value: string | undefined): string | null {
  const type = value?.trim().toLowerCase();
  return type && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : null;
}

/** What a person calls an attachment: a file, or anything that is not the text of the message. */
function isAttachment(part: MimePart): boolean {
  if (part.disposition === 'attachment') return true;
  if (part.dispositionParams.filename || part.params.name) return true;
  return !part.contentType.startsWith('text/') && !part.contentType.startsWith('multipart/') && part.contentType !== 'message/rfc822';
}

/**
 * Decoded bytes for a span of one line's content (no CRLF). Base64 counts alphabet characters
 * (padding and stray bytes carry nothing); quoted-printable counts "=XX" as one byte and a soft
 * line break as none; other encodings are the bytes themselves.
 */
function decodedLength(encoding: string, bytes: Buffer, start: number, end: number, endsLine: boolean, frame: Frame): number {
  if (encoding === 'base64') {
    // Every byte of a base64 line but its padding is a character of the alphabet; a stray byte
    // only makes the count err on the large side, the safe side for a size limit.
    let characters = end - start;
    for (let i = end - 1; i >= start && (bytes[i] === 61 || bytes[i] === 32 || bytes[i] === 9); i--) characters--;
    const before = frame.sextets;
    frame.sextets += characters;
    return Math.floor((frame.sextets * 3) / 4) - Math.floor((before * 3) / 4);
  }
  if (encoding === 'quoted-printable') {
    let length = 0;
    let last = end;
    // Trailing white space is transport padding (RFC 2045 §6.7 rule 3).
    while (endsLine && last > start && (bytes[last - 1] === 32 || bytes[last - 1] === 9)) last--;
    for (let i = start; i < last; i++) {
      if (bytes[i] !== 61) length++;
      else if (i + 2 < last) {
        length++;
        i += 2;
      } else if (endsLine && i === last - 1) frame.softBreak = true;
      else {
        length += last - i; // a truncated escape, kept literally
        break;
      }
    }
    return length;
  }
  return end - start;
}

function malformed(reason: string): MissiveError {
  return new MissiveError('malformed_message', `malformed message: ${reason}`);
}
