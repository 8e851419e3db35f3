import libmime from 'libmime';
import { MissiveError } from '../errors.ts';
import { headerValue, MAX_HEADER_BLOCK_BYTES, readHeaderFields, SINGLE_MIME } from '../header-block.ts';
import type { MimePart } from './mime-part.ts';

const CR = 13;
const LF = 10;
const DASH = 45;
const EQUALS = 61;
const SPACE = 32;
const TAB = 9;
// A delimiter line fits here: "--" + boundary (≤ 70) + "--" + transport padding + CRLF. A
// longer line is never a delimiter.
const LINE_HEAD = 256;
const MAX_PART_HEADER = 64 * 1024;
const MAX_DEPTH = 32;
const PREVIEW_BYTES = 16 * 1024;

type State = 'headers' | 'body' | 'preamble' | 'epilogue';

type Frame = {
  part: MimePart;
  parent: MimePart | null;
  state: State;
  boundary: string | null;
  header: Buffer[];
  headerBytes: number;
  headerLimit: number;
  /** Line ends in the message before this part's body began. */
  startLineEnds: number;
  /** The body's last line end, which is the delimiter's if a delimiter comes next (RFC 2046 §5.1.1). */
  pendingEnd: boolean;
  pendingEndSoft: boolean;
  /** Base64 characters seen: whole bytes are counted as they complete. */
  sextets: number;
  /** Quoted-printable decoding state, carried across chunks: 0 plain, 1 after "=", 2 after "=" and one hex digit. */
  qp: 0 | 1 | 2;
  /** White space not yet known to be content (it is padding if the line ends next). */
  qpSpaces: number;
  /** An attached message (message/rfc822): sized from its offsets as the inner message streams. */
  rfc822: boolean;
};

export type MimeIndexerLimits = { maxAttachmentBytes: number };

/**
 * A streaming MIME indexer: bytes in (a canonical CRLF message, in chunks of any size), the tree
 * of parts out, with offsets, line counts and decoded sizes. It never decodes or keeps a body:
 * a 10 MB attachment costs a few counters, and every result is the same however the input is
 * cut into chunks. Synchronous, so a deposit pays no event-loop hop for it.
 *
 * Chunks written are referenced until the part header they hold is read: do not reuse them.
 */
export class MimeIndexer {
  readonly #limits: MimeIndexerLimits;
  readonly #stack: Frame[];
  readonly #root: MimePart;
  #offset = 0;
  #lineStart = 0;
  readonly #head = Buffer.alloc(LINE_HEAD);
  #headLength = 0;
  /** Line ends (LF) seen so far, and the length of the line before the current one. */
  #lineEnds = 0;
  #previousLineLength = 0;
  #lastByteIsLineEnd = true;
  /** The current body line starts with "-" inside a multipart: held until it is known not to be a delimiter. */
  #held = false;
  #preview: { part: MimePart; chunks: Buffer[]; bytes: number } | null = null;
  readonly #uncounted = new UncountedBytes();

  constructor(limits: MimeIndexerLimits) {
    this.#limits = limits;
    this.#root = newPart(0);
    this.#stack = [newFrame(this.#root, null, MAX_HEADER_BLOCK_BYTES)];
  }

  write(chunk: Buffer): void {
    if (chunk.length > 0) this.#lastByteIsLineEnd = chunk[chunk.length - 1] === LF;
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      // Most lines are whole lines of a body (an attachment's base64): counted without the
      // bookkeeping that delimiters and headers need. A line starting with "-" may be a delimiter.
      if (newline !== -1 && this.#headLength === 0 && chunk[start] !== DASH && this.#top().state === 'body') {
        this.#bodyLine(this.#top(), chunk, start, end);
        start = end;
        continue;
      }
      this.#segment(chunk, start, end);
      this.#offset += end - start;
      if (newline !== -1) this.#endLine();
      start = end;
    }
  }

  /** Closes every open part at the end of the message and returns the tree and the preview text's bytes. */
  end(): { root: MimePart; preview: { part: MimePart; raw: Buffer } | null } {
    // A last line without a line end: it is still body (or header) text.
    const partial = this.#offset > this.#lineStart;
    if (partial) this.#endLine(false);
    while (this.#stack.length > 0) this.#close(this.#stack.pop()!, this.#offset, true);
    const preview = this.#preview ? { part: this.#preview.part, raw: Buffer.concat(this.#preview.chunks) } : null;
    return { root: this.#root, preview };
  }

  #segment(chunk: Buffer, start: number, end: number): void {
    const frame = this.#top();
    const lineBefore = this.#headLength;
    const copy = Math.min(end - start, LINE_HEAD - this.#headLength);
    if (copy > 0) {
      chunk.copy(this.#head, this.#headLength, start, start + copy);
      this.#headLength += copy;
    }
    if (frame.state === 'headers') {
      frame.headerBytes += end - start;
      if (frame.headerBytes > frame.headerLimit) {
        throw malformed(`${frame.headerLimit === MAX_PART_HEADER ? 'a MIME part header' : 'a message header'} exceeds ${frame.headerLimit} bytes`);
      }
      frame.header.push(chunk.subarray(start, end));
      return;
    }
    if (frame.state !== 'body') return;
    if (lineBefore === 0) this.#held = chunk[start] === DASH && this.#stack.some((candidate) => candidate.boundary !== null);
    if (!this.#held) return this.#countBody(frame, chunk, start, end);
    // Too long to be a delimiter: count what was held, then go on as ordinary body text.
    if (this.#headLength === LINE_HEAD && end - start > copy) {
      this.#held = false;
      this.#countBody(frame, this.#head, 0, LINE_HEAD);
      this.#countBody(frame, chunk, start + copy, end);
    }
  }

  /** A whole body line, known not to be a delimiter: what #segment and #endLine would do for it. */
  #bodyLine(frame: Frame, chunk: Buffer, start: number, end: number): void {
    this.#countBody(frame, chunk, start, end, frame.part.encoding !== 'base64' || this.#uncounted.within(chunk, start, end));
    this.#offset += end - start;
    this.#lineEnds++;
    this.#bodyLineEnd(frame);
    this.#checkAttachedMessages();
    this.#previousLineLength = end - start;
    this.#lineStart = this.#offset;
  }

  #endLine(ended = true): void {
    const lineStart = this.#lineStart;
    const lineLength = this.#offset - lineStart;
    if (ended) this.#lineEnds++;
    const frame = this.#top();
    const delimiter = lineLength <= LINE_HEAD && this.#head[0] === DASH && this.#head[1] === DASH ? this.#matchBoundary() : null;
    if (delimiter) {
      this.#onDelimiter(delimiter.index, delimiter.closing, lineStart);
    } else if (frame.state === 'headers') {
      if (this.#head[0] === CR || this.#head[0] === LF) this.#endHeaders(frame, this.#offset, true);
    } else if (frame.state === 'body') {
      if (this.#held) this.#countBody(frame, this.#head, 0, this.#headLength);
      if (ended) this.#bodyLineEnd(frame);
    }
    this.#checkAttachedMessages();
    this.#previousLineLength = lineLength;
    this.#lineStart = this.#offset;
    this.#headLength = 0;
    this.#held = false;
  }

  #matchBoundary(): { index: number; closing: boolean } | null {
    let end = this.#headLength;
    // The line end and transport padding (RFC 2046 §5.1.1) are not part of the delimiter.
    while (end > 2 && (this.#head[end - 1] === CR || this.#head[end - 1] === LF || this.#head[end - 1] === SPACE || this.#head[end - 1] === TAB)) end--;
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
    // The CRLF before a delimiter belongs to the delimiter.
    const bodyEnd = Math.max(lineStart - 2, 0);
    while (this.#stack.length - 1 > index) this.#close(this.#stack.pop()!, bodyEnd, false);
    const multipart = this.#stack[index]!;
    if (multipart.state === 'epilogue') return; // delimiters after the close delimiter are epilogue text
    if (closing) {
      multipart.state = 'epilogue';
      return;
    }
    multipart.state = 'preamble';
    const child = newPart(this.#offset);
    multipart.part.children.push(child);
    this.#push(newFrame(child, multipart.part, MAX_PART_HEADER));
  }

  /** `nest`: false when the part is being closed, so that an attached message gets no inner part to fill. */
  #endHeaders(frame: Frame, bodyStart: number, nest: boolean): void {
    const part = frame.part;
    part.headers = readHeaderFields(Buffer.concat(frame.header), () => {});
    frame.header = [];
    for (const name of SINGLE_MIME) {
      if (part.headers.filter((field) => field.name.toLowerCase() === name).length > 1) throw malformed(`a MIME part has more than one ${name} header`);
    }
    part.bodyStart = bodyStart;
    frame.startLineEnds = this.#lineEnds;
    const type = parseValue(headerValue(part.headers, 'content-type'));
    part.contentType = normaliseType(type?.value) ?? (frame.parent?.contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain');
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
    if (part.contentType === 'message/rfc822' && !['base64', 'quoted-printable'].includes(part.encoding)) {
      // The body is a whole message: index it as a child with its own header; the container is
      // sized from its offsets as the inner message streams.
      frame.rfc822 = true;
      if (nest) {
        const inner = newPart(this.#offset);
        part.children.push(inner);
        this.#push(newFrame(inner, part, MAX_HEADER_BLOCK_BYTES));
      }
      return;
    }
    if (!this.#preview && !part.attachment && (part.contentType === 'text/plain' || part.contentType === 'text/html')) {
      this.#preview = { part, chunks: [], bytes: 0 };
    }
  }

  /** Counts body bytes of the current line (its line end, if present, excluded from the counts). */
  #countBody(frame: Frame, bytes: Buffer, start: number, end: number, mayHoldUncounted = true): void {
    if (this.#preview?.part === frame.part) this.#keepPreview(bytes.subarray(start, end));
    let content = end;
    if (content > start && bytes[content - 1] === LF) content--;
    if (content > start && bytes[content - 1] === CR) content--;
    if (content === start) return;
    this.#commitLineEnd(frame);
    this.#grow(frame.part, decodedLength(frame, bytes, start, content, mayHoldUncounted));
  }

  #bodyLineEnd(frame: Frame): void {
    this.#commitLineEnd(frame);
    let soft = false;
    if (frame.part.encoding === 'quoted-printable') {
      // White space before a line end is padding; "=" before it is a soft line break.
      soft = frame.qp === 1;
      if (frame.qp === 2) this.#grow(frame.part, 2);
      frame.qp = 0;
      frame.qpSpaces = 0;
    }
    frame.pendingEnd = true;
    frame.pendingEndSoft = soft;
  }

  /** More body follows the last line end: it was the body's, not a delimiter's. */
  #commitLineEnd(frame: Frame): void {
    if (!frame.pendingEnd) return;
    frame.pendingEnd = false;
    if (frame.part.encoding !== 'base64' && !frame.pendingEndSoft) this.#grow(frame.part, 2);
  }

  #grow(part: MimePart, bytes: number): void {
    part.decodedSize += bytes;
    if (part.attachment && part.decodedSize > this.#limits.maxAttachmentBytes) throw this.#tooLarge(part);
  }

  #tooLarge(part: MimePart): MissiveError {
    const name = part.dispositionParams.filename ?? part.params.name ?? 'an attachment';
    return new MissiveError('attachment_too_large', `${name} is larger than the ${this.#limits.maxAttachmentBytes}-byte limit per attachment`, {
      limit: this.#limits.maxAttachmentBytes,
    });
  }

  /** An attached message is as large as its body: checked as it streams, not only at its end. */
  #checkAttachedMessages(): void {
    for (const frame of this.#stack) {
      if (frame.rfc822 && frame.part.attachment && this.#offset - frame.part.bodyStart > this.#limits.maxAttachmentBytes + 2) {
        throw this.#tooLarge(frame.part);
      }
    }
  }

  #keepPreview(bytes: Buffer): void {
    const preview = this.#preview;
    if (!preview || preview.bytes >= PREVIEW_BYTES) return;
    const slice = bytes.subarray(0, PREVIEW_BYTES - preview.bytes);
    preview.chunks.push(Buffer.from(slice));
    preview.bytes += slice.length;
  }

  /** `atEnd`: the message ends here, so the body's last line end is the body's own. */
  #close(frame: Frame, closeAt: number, atEnd: boolean): void {
    const part = frame.part;
    const bodyEnd = Math.max(closeAt, part.headerStart);
    // Ended before its empty line: all header, no body.
    if (frame.state === 'headers') this.#endHeaders(frame, bodyEnd, false);
    part.bodyEnd = Math.max(bodyEnd, part.bodyStart);
    if (!part.contentType.startsWith('multipart/')) part.lines = this.#bodyLines(frame, atEnd);
    if (frame.rfc822) {
      part.decodedSize = part.bodyEnd - part.bodyStart;
      if (part.attachment && part.decodedSize > this.#limits.maxAttachmentBytes) throw this.#tooLarge(part);
      return;
    }
    if (frame.state === 'body' && atEnd) {
      this.#commitLineEnd(frame);
      if (part.encoding === 'quoted-printable' && frame.qp === 2) this.#grow(part, 2);
    }
  }

  /**
   * Lines of a body as IMAP counts them: its line ends, plus one for a last line without one.
   * Closed by a delimiter, the body ends before the CRLF that precedes the delimiter line.
   */
  #bodyLines(frame: Frame, atEnd: boolean): number {
    const part = frame.part;
    if (part.bodyEnd <= part.bodyStart) return 0;
    if (atEnd) return this.#lineEnds - frame.startLineEnds + (this.#lastByteIsLineEnd ? 0 : 1);
    // Line ends before the delimiter line, less the one the delimiter owns.
    const lineEnds = this.#lineEnds - 2 - frame.startLineEnds;
    const lastLineEmpty = this.#previousLineLength === 2;
    return lineEnds + (lastLineEmpty ? 0 : 1);
  }

  #push(frame: Frame): void {
    if (this.#stack.length >= MAX_DEPTH) throw malformed(`MIME parts are nested more than ${MAX_DEPTH} deep`);
    this.#stack.push(frame);
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

function newFrame(part: MimePart, parent: MimePart | null, headerLimit: number): Frame {
  return {
    part,
    parent,
    state: 'headers',
    boundary: null,
    header: [],
    headerBytes: 0,
    headerLimit,
    startLineEnds: 0,
    pendingEnd: false,
    pendingEndSoft: false,
    sextets: 0,
    qp: 0,
    qpSpaces: 0,
    rfc822: false,
  };
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

/** What a person calls an attachment: a file, an attached message, anything that is not the text. */
function isAttachment(part: MimePart): boolean {
  if (part.disposition === 'attachment') return true;
  if (part.dispositionParams.filename || part.params.name) return true;
  return !part.contentType.startsWith('text/') && !part.contentType.startsWith('multipart/');
}

/**
 * Decoded bytes for a span of one line's content (no line end). Base64 counts alphabet
 * characters (a stray byte errs on the large side, the safe side for a limit). Quoted-printable
 * runs a byte-level decoder whose state crosses chunks: "=XX" with two hex digits is one byte,
 * "=" followed by anything else is literal, white space counts only once non-space follows it.
 */
function decodedLength(frame: Frame, bytes: Buffer, start: number, end: number, mayHoldUncounted: boolean): number {
  const encoding = frame.part.encoding;
  if (encoding === 'base64') {
    if (!mayHoldUncounted) return sextets(frame, end - start);
    // Padding and white space carry nothing. A plain loop: lines are short, and a native
    // search per byte value costs more in calls than it saves.
    let characters = 0;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte !== EQUALS && byte !== SPACE && byte !== TAB) characters++;
    }
    return sextets(frame, characters);
  }
  if (encoding !== 'quoted-printable') return end - start;
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (frame.qp === 1) {
      if (isHex(byte) && frame.qpSpaces === 0) {
        frame.qp = 2;
        continue;
      }
      if (byte === SPACE || byte === TAB) {
        // "=" then white space: a soft break if the line ends next, else literal text.
        frame.qpSpaces++;
        continue;
      }
      length += 1 + frame.qpSpaces; // not an escape: "=" and any white space are literal
      frame.qpSpaces = 0;
      frame.qp = 0;
    } else if (frame.qp === 2) {
      frame.qp = 0;
      if (isHex(byte)) {
        length++;
        continue;
      }
      length += 2; // "=" and one hex digit, literal
    }
    if (byte === SPACE || byte === TAB) {
      frame.qpSpaces++;
    } else {
      length += frame.qpSpaces;
      frame.qpSpaces = 0;
      if (byte === EQUALS) frame.qp = 1;
      else length++;
    }
  }
  return length;
}

/** Bytes decoded once `characters` more base64 characters are seen: whole bytes only, the rest carried. */
function sextets(frame: Frame, characters: number): number {
  const before = frame.sextets;
  frame.sextets += characters;
  return Math.floor((frame.sextets * 3) / 4) - Math.floor((before * 3) / 4);
}

/**
 * Whether a span of a chunk holds a byte base64 does not count ("=", space, tab), found by
 * native search: each byte's next position in the chunk is looked for once and kept until
 * passed, so a chunk costs one search per such byte, not a loop over every character.
 */
class UncountedBytes {
  #chunk: Buffer | null = null;
  /**
   * Per byte of UNCOUNTED: its next position in the chunk, -1 not looked for yet, the chunk's
   * length none left. Small integers only: an Infinity here made the array one of doubles, each
   * read of which allocated a number (11 KB of garbage per 20 KB message).
   */
  readonly #next = [-1, -1, -1];

  within(chunk: Buffer, start: number, end: number): boolean {
    if (chunk !== this.#chunk) {
      this.#chunk = chunk;
      this.#next.fill(-1);
    }
    for (let index = 0; index < UNCOUNTED.length; index++) {
      let at = this.#next[index]!;
      if (at < start) {
        const found = chunk.indexOf(UNCOUNTED[index]!, start);
        at = found === -1 ? chunk.length : found;
        this.#next[index] = at;
      }
      if (at < end) return true;
    }
    return false;
  }
}

const UNCOUNTED = [EQUALS, SPACE, TAB];

function isHex(byte: number): boolean {
  return (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102);
}

function malformed(reason: string): MissiveError {
  return new MissiveError('malformed_message', `malformed message: ${reason}`);
}
