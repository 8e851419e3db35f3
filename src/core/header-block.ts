import { isAscii, isUtf8 } from 'node:buffer';
import { MissiveError } from './errors.ts';

/** One header field as it stands in the message: name as written, value unfolded (CRLF+WSP → WSP). */
export type HeaderField = { readonly name: string; readonly value: string };

export const MAX_HEADER_BLOCK_BYTES = 256 * 1024;
// RFC 5322 §2.1.1: a line MUST NOT exceed 998 characters.
const MAX_LINE = 998;
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Fields a message may carry only once (RFC 5322 §3.6 table).
const SINGLE = ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'in-reply-to', 'references'];
// Two of these would let readers disagree on what the message is (RFC 2045 allows one each).
export const SINGLE_MIME = ['mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition'];
// Fields whose presence promises a value.
const NOT_EMPTY = ['from', 'date', 'message-id'];

/**
 * Parses and checks the header block of a raw message (the bytes before the first empty line,
 * line ends already CRLF). The checks are those a receiving operator would reject on: a message
 * Missive stores must be something every IMAP client and every peer can read.
 */
export function parseHeaderBlock(block: Buffer): HeaderField[] {
  if (block.length > MAX_HEADER_BLOCK_BYTES) {
    throw malformed(`the header section exceeds ${MAX_HEADER_BLOCK_BYTES} bytes`);
  }
  if (block.includes(0)) throw malformed('the header section contains a NUL byte');
  // 8-bit header text is UTF-8 (RFC 6532) or nothing: a legacy charset would be read as garbage by every client.
  if (!isUtf8(block)) throw malformed('8-bit header text that is not UTF-8: encode it (RFC 2047) or send UTF-8');
  const fields = readHeaderFields(block, (reason) => {
    throw malformed(reason);
  });
  const counts = new Map<string, number>();
  for (const field of fields) counts.set(field.name.toLowerCase(), (counts.get(field.name.toLowerCase()) ?? 0) + 1);
  if (!counts.has('from')) throw malformed('the message has no From header');
  for (const name of [...SINGLE, ...SINGLE_MIME]) {
    if ((counts.get(name) ?? 0) > 1) throw malformed(`the message has more than one ${name} header`);
  }
  for (const name of NOT_EMPTY) {
    if (counts.has(name) && headerValue(fields, name)?.trim() === '') throw malformed(`the ${name} header is empty`);
  }
  return fields;
}

/**
 * Drops every field of that name (with its continuation lines) from a raw header block. Works
 * on bytes as latin1 so that 8-bit header content passes through untouched.
 */
export function removeFields(block: Buffer, name: string): Buffer {
  const lower = name.toLowerCase();
  const kept: string[] = [];
  let dropping = false;
  for (const line of block.toString('latin1').split('\r\n')) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = line.slice(0, line.indexOf(':')).toLowerCase() === lower;
    if (!dropping) kept.push(line);
  }
  return Buffer.from(kept.join('\r\n'), 'latin1');
}

/**
 * Unfolds a header block into fields. `onError` decides what a bad line means: the top-level
 * header of a message Missive accepts must be clean (throw), while a MIME part's header is read
 * the lenient way mail readers do (skip the line).
 */
export function readHeaderFields(block: Buffer, onError: (reason: string) => void): HeaderField[] {
  // Lines are split and measured on the raw bytes (latin1 maps each byte to one character);
  // only values are decoded as UTF-8, so an 8-bit byte is never counted as three.
  const lines = block.toString('latin1').split('\r\n');
  if (lines.at(-1) === '') lines.pop();
  // Most header blocks are ASCII, whose lines read the same either way.
  const ascii = isAscii(block);
  const fields: { name: string; value: string }[] = [];
  lines.forEach((raw, index) => {
    if (raw.length > MAX_LINE) return onError(`header line ${index + 1} is longer than ${MAX_LINE} bytes`);
    const line = ascii ? raw : Buffer.from(raw, 'latin1').toString('utf8');
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = fields.at(-1);
      if (last === undefined) return onError('the message starts with a continuation line');
      last.value += line;
      return;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!FIELD_NAME.test(name)) return onError(`header line ${index + 1} is not "Name: value"`);
    fields.push({ name, value: line.slice(colon + 1).trim() });
  });
  for (const field of fields) field.value = field.value.trim();
  return fields;
}

export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  // Lengths first: most names differ in length, and comparing them lower-cased makes a string each time.
  return fields.find((field) => field.name.length === lower.length && field.name.toLowerCase() === lower)?.value;
}

/** RFC 5322 date-time for headers Missive adds (Date, Received), always in UTC. */
export function formatRfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function malformed(reason: string): MissiveError {
  return new MissiveError('malformed_message', `malformed message: ${reason}`);
}
