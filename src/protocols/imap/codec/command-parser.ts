import { ImapParseError, type ImapAtom, type ImapCommand, type ImapValue } from './values.ts';

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x28;
const CLOSE = 0x29;
const LBRACE = 0x7b;
const TILDE = 0x7e;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LT = 0x3c;
const PLUS = 0x2b;

// Nesting deeper than this is an attack, not a search.
const MAX_DEPTH = 32;
const MAX_TAG = 64;

/**
 * Parses one complete command, as the reader frames it: `tag SP name [SP args] CRLF`, literals
 * inline after their `{n}` / `{n+}` / `~{n}` and CRLF. Bytes in, values out, no I/O; anything
 * malformed is an ImapParseError (with the tag when it could be read), nothing else is thrown.
 */
export function parseCommand(bytes: Buffer): ImapCommand {
  const parser = new Parser(bytes);
  return parser.command();
}

class Parser {
  readonly #bytes: Buffer;
  #at = 0;
  #tag: string | null = null;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  command(): ImapCommand {
    const tag = this.#word('tag', (byte) => isAtomByte(byte) && byte !== PLUS);
    if (tag.length > MAX_TAG) throw this.#error(`tag longer than ${MAX_TAG} characters`);
    this.#tag = tag;
    this.#expect(SP, 'a space after the tag');
    let name = this.#word('command name', (byte) => (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2d).toUpperCase();
    if (name === 'UID') {
      this.#expect(SP, 'a command after UID');
      name = `UID ${this.#word('command name', (byte) => (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)).toUpperCase()}`;
    }
    const args: ImapValue[] = [];
    while (this.#peek() === SP) {
      this.#at++;
      args.push(this.#value(0));
    }
    const next = this.#peek();
    if (next !== CR && next !== LF && next !== -1) throw this.#error(`unexpected character ${describe(next)}`);
    this.#expect(CR, 'the end of the command (CRLF)');
    this.#expect(LF, 'LF after CR');
    if (this.#at !== this.#bytes.length) throw this.#error('bytes after the end of the command');
    return { tag, name, args };
  }

  #value(depth: number): ImapValue {
    if (depth > MAX_DEPTH) throw this.#error(`lists nested deeper than ${MAX_DEPTH}`);
    const byte = this.#peek();
    if (byte === OPEN) return this.#list(depth, CLOSE);
    if (byte === DQUOTE) return this.#quoted();
    if (byte === LBRACE || byte === TILDE) return this.#literal();
    return this.#atom(depth);
  }

  #list(depth: number, close: number): ImapValue {
    this.#at++;
    const items = this.#items(depth, close);
    return { type: 'list', items };
  }

  /** Values separated by single spaces up to `close` (consumed). */
  #items(depth: number, close: number): ImapValue[] {
    const items: ImapValue[] = [];
    if (this.#peek() === close) {
      this.#at++;
      return items;
    }
    for (;;) {
      items.push(this.#value(depth + 1));
      const next = this.#peek();
      if (next === close) {
        this.#at++;
        return items;
      }
      if (next !== SP) throw this.#error(close === CLOSE ? 'a space or ")" in a list' : 'a space or "]" in a section');
      this.#at++;
    }
  }

  #quoted(): ImapValue {
    this.#at++;
    const out: number[] = [];
    for (;;) {
      const byte = this.#peek();
      if (byte === -1) throw this.#error('unterminated quoted string');
      if (byte === CR || byte === LF || byte === 0) throw this.#error('CR, LF or NUL in a quoted string: use a literal');
      this.#at++;
      if (byte === DQUOTE) return { type: 'string', value: Buffer.from(out), form: 'quoted' };
      if (byte === BACKSLASH) {
        const escaped = this.#peek();
        if (escaped !== DQUOTE && escaped !== BACKSLASH) throw this.#error('only \\\\ and \\" may be escaped in a quoted string');
        this.#at++;
        out.push(escaped);
      } else out.push(byte);
    }
  }

  #literal(): ImapValue {
    const binary = this.#peek() === TILDE;
    if (binary) this.#at++;
    this.#expect(LBRACE, '"{" of a literal');
    const digits = this.#word('literal length', (byte) => byte >= 0x30 && byte <= 0x39);
    if (digits.length > 12) throw this.#error('literal length too large');
    if (this.#peek() === PLUS) this.#at++;
    this.#expect(0x7d, '"}" of a literal');
    this.#expect(CR, 'CRLF after a literal length');
    this.#expect(LF, 'CRLF after a literal length');
    const length = Number(digits);
    if (this.#at + length > this.#bytes.length) throw this.#error('literal shorter than its length');
    const value = Buffer.from(this.#bytes.subarray(this.#at, this.#at + length));
    this.#at += length;
    if (!binary && value.includes(0)) throw this.#error('NUL in a literal (only a literal8 may carry one)');
    return { type: 'string', value, form: binary ? 'literal8' : 'literal' };
  }

  #atom(depth: number): ImapAtom {
    const start = this.#at;
    while (isAtomByte(this.#peek())) this.#at++;
    const value = this.#bytes.toString('latin1', start, this.#at);
    if (this.#peek() !== LBRACKET) {
      if (value === '') throw this.#error(this.#peek() === -1 ? 'unexpected end of the command' : `unexpected character ${describe(this.#peek())}`);
      return { type: 'atom', value };
    }
    // A section: BODY[…], BODY.PEEK[…], BINARY[…], and its partial range <offset.length>.
    this.#at++;
    const section = this.#items(depth, RBRACKET);
    let partial: [number, number] | undefined;
    if (this.#peek() === LT) {
      this.#at++;
      const offset = this.#number('partial offset');
      this.#expect(0x2e, '"." in a partial range');
      const length = this.#number('partial length');
      if (length === 0) throw this.#error('a partial range of length 0');
      this.#expect(0x3e, '">" of a partial range');
      partial = [offset, length];
    }
    if (value === '') throw this.#error('a section with no attribute name');
    return partial ? { type: 'atom', value, section, partial } : { type: 'atom', value, section };
  }

  #number(what: string): number {
    const digits = this.#word(what, (byte) => byte >= 0x30 && byte <= 0x39);
    const number = Number(digits);
    if (digits.length > 10 || number > 0xffffffff) throw this.#error(`${what} out of range`);
    return number;
  }

  #word(what: string, accept: (byte: number) => boolean): string {
    const start = this.#at;
    while (this.#at < this.#bytes.length && accept(this.#bytes[this.#at]!)) this.#at++;
    if (this.#at === start) throw this.#error(`expected ${what}`);
    return this.#bytes.toString('latin1', start, this.#at);
  }

  #expect(byte: number, what: string): void {
    if (this.#peek() !== byte) throw this.#error(`expected ${what}`);
    this.#at++;
  }

  #peek(): number {
    return this.#at < this.#bytes.length ? this.#bytes[this.#at]! : -1;
  }

  #error(message: string): ImapParseError {
    return new ImapParseError(`${message} (at byte ${this.#at})`, this.#tag);
  }
}

/**
 * ATOM-CHAR of RFC 9051 plus what commands write bare: `\` of flags, `*` and `%` of sequence
 * sets and LIST patterns, `]` only as a section's end (handled by the caller). 7-bit only: 8-bit
 * text travels in quoted strings or literals.
 */
function isAtomByte(byte: number): boolean {
  return byte > SP && byte < 0x7f && byte !== OPEN && byte !== CLOSE && byte !== LBRACE && byte !== DQUOTE && byte !== LBRACKET && byte !== RBRACKET;
}

function describe(byte: number): string {
  return byte >= 0x21 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `0x${byte.toString(16).padStart(2, '0')}`;
}
