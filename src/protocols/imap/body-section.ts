import type { StoredPart } from '../../services/deposit/message-index.ts';
import { decode as decodeQuotedPrintable } from 'libqp';
import { ImapParseError, type ImapValue } from './codec/values.ts';

/** A section of BODY[…] resolved to a byte range of the stored message, or header lines to filter. */
export type SectionSlice = { start: number; end: number; fields?: { names: Set<string>; not: boolean } };

/**
 * Where BODY[section] lies in the stored message (RFC 9051 §6.4.5): `` the whole message,
 * HEADER / TEXT / HEADER.FIELDS[.NOT] (names) of the message, `n[.n…]` a part's body,
 * `n.MIME` its header, `n.HEADER` / `n.TEXT` for an attached message.
 */
export function sliceOf(structure: StoredPart, size: number, section: readonly ImapValue[], tag: string): SectionSlice {
  if (section.length === 0) return { start: 0, end: size };
  const first = section[0]!;
  if (first.type !== 'atom') throw new ImapParseError('a section starts with a part number or HEADER/TEXT', tag);
  const spec = first.value.toUpperCase();
  const match = /^((?:\d+\.)*\d+)?(?:\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?$/.exec(spec);
  if (!match || (match[1] === undefined && match[2] === undefined)) throw new ImapParseError(`unknown section ${first.value.slice(0, 40)}`, tag);
  const [, path, kind] = match;
  const part = path ? partAt(structure, path) : structure;
  if (!part) return { start: 0, end: 0 };
  const names = section[1];
  switch (kind) {
    case undefined:
      return { start: part.bodyStart, end: part.bodyEnd };
    case 'MIME':
      if (!path) throw new ImapParseError('MIME needs a part number', tag);
      return { start: part.headerStart, end: part.bodyStart };
    case 'TEXT':
      return { start: innerOf(part, path).bodyStart, end: innerOf(part, path).bodyEnd };
    case 'HEADER':
      return { start: innerOf(part, path).headerStart, end: innerOf(part, path).bodyStart };
    default: {
      if (!names || names.type !== 'list' || names.items.length === 0) throw new ImapParseError(`${kind} needs a list of header names`, tag);
      const wanted = new Set(names.items.map((item) => (item.type === 'string' ? item.value.toString('latin1') : item.type === 'atom' ? item.value : '').toLowerCase()));
      const inner = innerOf(part, path);
      return { start: inner.headerStart, end: inner.bodyStart, fields: { names: wanted, not: kind === 'HEADER.FIELDS.NOT' } };
    }
  }
}

/** The part at `1.2.3`, or null when there is none. */
export function partAt(structure: StoredPart, path: string): StoredPart | null {
  let part = structure;
  for (const number of path.split('.').map(Number)) {
    // A single-part message's part 1 is its body.
    const next = part.children.length === 0 && number === 1 ? part : part.children[number - 1];
    if (!next || number < 1) return null;
    part = next;
  }
  return part;
}

/**
 * BINARY[section] (RFC 3516): the part's body with its transfer encoding undone; the whole
 * message as it is for an empty section. Null for an encoding Missive does not know (the client
 * is told UNKNOWN-CTE); empty for a part that does not exist.
 */
export function binaryOf(structure: StoredPart, content: Buffer, path: string): Buffer | null {
  if (path === '') return content;
  const part = partAt(structure, path);
  if (!part) return Buffer.alloc(0);
  const body = content.subarray(part.bodyStart, part.bodyEnd);
  switch (part.encoding.toLowerCase()) {
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'base64':
      return Buffer.from(body.toString('latin1'), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return null;
  }
}

/** For `n.HEADER` / `n.TEXT`: the message inside a message/rfc822 part; the part itself at the top. */
function innerOf(part: StoredPart, path: string | undefined): StoredPart {
  if (!path) return part;
  return part.children[0] ?? part;
}

/** The header lines of `header` whose names are (or, with `not`, are not) in `names`, and the empty line. */
export function filterHeader(header: Buffer, fields: { names: Set<string>; not: boolean }): Buffer {
  const text = header.toString('latin1');
  const lines = text.split(/\r\n(?![ \t])/).filter((line) => line !== '');
  const kept = lines.filter((line) => {
    const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    return fields.names.has(name) !== fields.not;
  });
  return Buffer.from(`${kept.map((line) => `${line}\r\n`).join('')}\r\n`, 'latin1');
}

/** The section as it is written back in the response: `BODY[HEADER.FIELDS (FROM TO)]`. */
export function sectionText(section: readonly ImapValue[]): string {
  return section.map((value, index) => (index === 0 && value.type === 'atom' ? value.value.toUpperCase() : valueText(value))).join(' ');
}

function valueText(value: ImapValue): string {
  if (value.type === 'list') return `(${value.items.map(valueText).join(' ')})`;
  if (value.type === 'string') return `"${value.value.toString('latin1').replace(/[\\"]/g, '\\$&')}"`;
  return value.value;
}
