/**
 * A value of a response: an atom or number as is, a string quoted or as a literal (whichever can
 * carry it), NIL for null, a parenthesized list for an array.
 */
export type ResponseValue = string | number | null | Buffer | { readonly atom: string } | { readonly literal: Buffer | string } | readonly ResponseValue[];

export type Status = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

const CRLF = Buffer.from('\r\n');
// Quoted strings stay short and single-line; anything else goes as a literal.
const MAX_QUOTED = 1024;

/** `* …` */
export function untagged(...items: ResponseValue[]): Buffer {
  const parts: Buffer[] = [STAR];
  joinInto(items, parts);
  parts.push(CRLF);
  return Buffer.concat(parts);
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
  const parts: Buffer[] = [];
  joinInto(items, parts);
  return Buffer.concat(parts);
}

/** One value as response bytes. */
export function encode(value: ResponseValue): Buffer {
  const parts: Buffer[] = [];
  encodeInto(value, parts);
  return Buffer.concat(parts);
}

const STAR = Buffer.from('* ');
const SPACE = Buffer.from(' ');
const OPEN = Buffer.from('(');
const CLOSE = Buffer.from(')');
const NIL = Buffer.from('NIL');

// Pieces are collected and joined once per response: a FETCH of thousands of messages writes
// thousands of responses, and copying at every level of nesting would dominate.
function joinInto(items: readonly ResponseValue[], parts: Buffer[]): void {
  items.forEach((item, index) => {
    if (index > 0) parts.push(SPACE);
    encodeInto(item, parts);
  });
}

function encodeInto(value: ResponseValue, parts: Buffer[]): void {
  if (value === null) {
    parts.push(NIL);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an IMAP number: ${value}`);
    parts.push(Buffer.from(String(value)));
  } else if (typeof value === 'string' || Buffer.isBuffer(value)) {
    parts.push(encodeString(value));
  } else if (isList(value)) {
    parts.push(OPEN);
    joinInto(value, parts);
    parts.push(CLOSE);
  } else if ('atom' in value) {
    parts.push(Buffer.from(value.atom, 'latin1'));
  } else {
    const bytes = Buffer.isBuffer(value.literal) ? value.literal : Buffer.from(value.literal, 'utf8');
    parts.push(Buffer.from(`{${bytes.length}}\r\n`), bytes);
  }
}

/** A string: quoted when it can be (no CR, LF or NUL, not too long), else a literal. */
function encodeString(text: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_QUOTED && !bytes.includes(0x0d) && !bytes.includes(0x0a) && !bytes.includes(0)) {
    const escaped = bytes.toString('latin1').replace(/[\\"]/g, '\\$&');
    return Buffer.concat([Buffer.from('"'), Buffer.from(escaped, 'latin1'), Buffer.from('"')]);
  }
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes]);
}

// Array.isArray does not narrow a readonly array type.
function isList(value: ResponseValue): value is readonly ResponseValue[] {
  return Array.isArray(value);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ');
}
