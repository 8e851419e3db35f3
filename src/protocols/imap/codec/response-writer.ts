/**
 * A value of a response: an atom or number as is, a string quoted or as a literal (whichever can
 * carry it), NIL for null, a parenthesized list for an array, `raw` for text already encoded
 * (a body structure kept from an earlier encoding).
 */
export type ResponseValue =
  | string
  | number
  | null
  | Buffer
  | { readonly atom: string }
  | { readonly raw: string }
  | { readonly literal: Buffer | string; readonly binary?: boolean }
  | readonly ResponseValue[];

export type Status = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

// Quoted strings stay short and single-line; anything else goes as a literal.
const MAX_QUOTED = 1024;

/** `* …` */
export function untagged(...items: ResponseValue[]): Buffer {
  const pieces = untaggedPieces(...items);
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/** `* …` as consecutive pieces: a literal's bytes are one of them, never copied. */
export function untaggedPieces(...items: ResponseValue[]): Buffer[] {
  const out = new Encoder('* ');
  joinInto(items, out);
  out.text += '\r\n';
  return out.done();
}

/** `tag OK [CODE …] text` (or `* OK …` with tag '*'). Text is one line of 7-bit-safe words. */
export function status(tag: string, kind: Status, text: string, code?: string): Buffer {
  return Buffer.from(`${tag} ${kind} ${code ? `[${code}] ` : ''}${oneLine(text)}\r\n`);
}

/** `+ text`: go on (a literal, an AUTHENTICATE step, IDLE). */
export function continuation(text = 'Ready'): Buffer {
  return Buffer.from(`+ ${oneLine(text)}\r\n`);
}

/** Values separated by single spaces. */
export function join(items: readonly ResponseValue[]): Buffer {
  const out = new Encoder();
  joinInto(items, out);
  return Buffer.concat(out.done());
}

/** One value as response bytes. */
export function encode(value: ResponseValue): Buffer {
  const out = new Encoder();
  encodeInto(value, out);
  return Buffer.concat(out.done());
}

/**
 * Text is gathered in one string and turned into bytes once; only byte values (literals, raw
 * header bytes) break it. A FETCH of thousands of messages writes thousands of responses, and
 * a buffer per atom would dominate.
 */
class Encoder {
  text: string;
  readonly #pieces: Buffer[] = [];

  constructor(text = '') {
    this.text = text;
  }

  bytes(bytes: Buffer): void {
    this.#flush();
    this.#pieces.push(bytes);
  }

  done(): Buffer[] {
    this.#flush();
    return this.#pieces;
  }

  #flush(): void {
    if (this.text.length > 0) this.#pieces.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
}

function joinInto(items: readonly ResponseValue[], out: Encoder): void {
  for (let index = 0; index < items.length; index++) {
    if (index > 0) out.text += ' ';
    encodeInto(items[index]!, out);
  }
}

function encodeInto(value: ResponseValue, out: Encoder): void {
  if (value === null) {
    out.text += 'NIL';
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an IMAP number: ${value}`);
    out.text += String(value);
  } else if (typeof value === 'string') {
    encodeText(value, out);
  } else if (Buffer.isBuffer(value)) {
    encodeBytes(value, out);
  } else if (isList(value)) {
    out.text += '(';
    joinInto(value, out);
    out.text += ')';
  } else if ('atom' in value) {
    out.text += value.atom;
  } else if ('raw' in value) {
    out.text += value.raw;
  } else if (Buffer.isBuffer(value.literal)) {
    // literal8 (RFC 3516) for decoded content that may hold NUL bytes.
    out.text += `${value.binary ? '~' : ''}{${value.literal.length}}\r\n`;
    out.bytes(value.literal);
  } else {
    out.text += `{${Buffer.byteLength(value.literal)}}\r\n${value.literal}`;
  }
}

/** A string: quoted when it can be (no CR, LF or NUL, not too long), else a literal. */
function encodeText(text: string, out: Encoder): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes: the byte count is needed only for long strings.
  const short = text.length * 3 <= MAX_QUOTED || (text.length <= MAX_QUOTED && Buffer.byteLength(text) <= MAX_QUOTED);
  if (short && !/[\r\n\0]/.test(text)) {
    out.text += `"${/[\\"]/.test(text) ? text.replace(/[\\"]/g, '\\$&') : text}"`;
  } else {
    out.text += `{${Buffer.byteLength(text)}}\r\n${text}`;
  }
}

/** Bytes as they are (header bytes that need not be UTF-8): quoted when they can be, else a literal. */
function encodeBytes(bytes: Buffer, out: Encoder): void {
  if (bytes.length <= MAX_QUOTED && !bytes.includes(0x0d) && !bytes.includes(0x0a) && !bytes.includes(0)) {
    out.text += '"';
    out.bytes(Buffer.from(bytes.toString('latin1').replace(/[\\"]/g, '\\$&'), 'latin1'));
    out.text += '"';
  } else {
    out.text += `{${bytes.length}}\r\n`;
    out.bytes(bytes);
  }
}

// Array.isArray does not narrow a readonly array type.
function isList(value: ResponseValue): value is readonly ResponseValue[] {
  return Array.isArray(value);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ');
}
