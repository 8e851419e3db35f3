/**
 * Shared builders for the MIME indexer tests: marked message templates (the expected offsets
 * are written into the message itself), chunked feeding, a seeded random source, and reference
 * encoders/decoders used as oracles.
 */
import assert from 'node:assert/strict';
import { MimeIndexer, type MimeIndexerLimits } from '../../src/core/mime/mime-indexer.ts';
import type { MimePart } from '../../src/core/mime/mime-part.ts';

export const NO_LIMIT: MimeIndexerLimits = { maxAttachmentBytes: Number.MAX_SAFE_INTEGER };

export type Indexed = ReturnType<MimeIndexer['end']>;

/** `\n` → CRLF (the text must not hold CR already: every test message is canonical). */
export function crlf(text: string): string {
  assert.ok(!text.includes('\r'), 'write templates with \\n only');
  return text.replace(/\n/g, '\r\n');
}

/** Bytes of a string whose characters are all octets (latin1): what the message holds, byte for byte. */
export function octets(text: string): Buffer {
  assert.ok(/^[\x00-\xff]*$/.test(text), 'a message template holds octets only (use utf8() for UTF-8 text)');
  return Buffer.from(text, 'latin1');
}

/** The UTF-8 encoding of `text`, as a string of octets to put into a template (an 8bit body). */
export function utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

// ---------------------------------------------------------------------------------------------
// Marked templates: ⟦h1.2⟧ ⟦b1.2⟧ ⟦e1.2⟧ mark the header start, body start and body end of the
// part at tree path 1.2 (root: ⟦h⟧ ⟦b⟧ ⟦e⟧). Tree paths number children from 1 at each level; a
// message/rfc822 part has one child, the message it holds. Markers are removed from the message.
// ---------------------------------------------------------------------------------------------

export type Span = { headerStart: number; bodyStart: number; bodyEnd: number };

const MARK = /⟦([hbe])([0-9.]*)⟧/g;

export function marked(template: string): { message: Buffer; spans: Map<string, Span> } {
  const text = crlf(template);
  const spans = new Map<string, Partial<Span>>();
  let out = '';
  let last = 0;
  for (const match of text.matchAll(MARK)) {
    out += text.slice(last, match.index);
    last = match.index + match[0].length;
    const key = ({ h: 'headerStart', b: 'bodyStart', e: 'bodyEnd' } as const)[match[1] as 'h' | 'b' | 'e'];
    const span = spans.get(match[2]!) ?? {};
    assert.equal(span[key], undefined, `marker ${match[0]} appears twice`);
    span[key] = out.length; // octets: one character per byte
    spans.set(match[2]!, span);
  }
  out += text.slice(last);
  const complete = new Map<string, Span>();
  for (const [path, span] of spans) {
    assert.ok(span.headerStart !== undefined && span.bodyStart !== undefined && span.bodyEnd !== undefined, `part "${path}" needs ⟦h⟧, ⟦b⟧ and ⟦e⟧`);
    complete.set(path, span as Span);
  }
  return { message: octets(out), spans: complete };
}

/** What a fixture states about one part; every stated field is compared exactly. */
export type PartExpectation = {
  contentType: string;
  params?: Record<string, string>;
  disposition?: string | null;
  dispositionParams?: Record<string, string>;
  encoding?: string;
  contentId?: string | null;
  description?: string | null;
  attachment?: boolean;
  /** The exact body octets (redundant with the markers, but says in words what RFC 2046 defines). */
  body?: string;
};

export type Fixture = {
  name: string;
  message: Buffer;
  spans: Map<string, Span>;
  parts: Record<string, PartExpectation>;
  /** Tree path of the part the preview is taken from, or null. */
  preview: string | null;
};

export function fixture(name: string, template: string, parts: Record<string, PartExpectation>, preview: string | null): Fixture {
  const { message, spans } = marked(template);
  assert.deepEqual(new Set(Object.keys(parts)), new Set(spans.keys()), `${name}: expectations and markers name the same parts`);
  return { name, message, spans, parts, preview };
}

/** Every part of the tree by its tree path ('' for the root). */
export function partsByPath(root: MimePart): Map<string, MimePart> {
  const out = new Map<string, MimePart>();
  const visit = (part: MimePart, path: string) => {
    out.set(path, part);
    part.children.forEach((child, index) => visit(child, path === '' ? String(index + 1) : `${path}.${index + 1}`));
  };
  visit(root, '');
  return out;
}

export function pathOf(root: MimePart, wanted: MimePart): string | null {
  for (const [path, part] of partsByPath(root)) if (part === wanted) return path;
  return null;
}

export function bodyOf(message: Buffer, part: MimePart): Buffer {
  return message.subarray(part.bodyStart, part.bodyEnd);
}

// ---------------------------------------------------------------------------------------------
// Feeding
// ---------------------------------------------------------------------------------------------

/** The message cut at the given positions (ascending, inside the message). */
export function splitAt(message: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, message.length]) {
    assert.ok(cut >= start && cut <= message.length, `bad cut ${cut}`);
    chunks.push(message.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

/**
 * Fixed-size chunks, each a fresh copy: a test that feeds copies also proves the indexer does
 * not depend on the chunk being a view of one big buffer.
 */
export function chunksOf(message: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < message.length; start += size) chunks.push(Buffer.from(message.subarray(start, start + size)));
  return chunks;
}

export function indexChunks(chunks: Iterable<Buffer>, limits: MimeIndexerLimits = NO_LIMIT): Indexed {
  const indexer = new MimeIndexer(limits);
  for (const chunk of chunks) indexer.write(chunk);
  return indexer.end();
}

export function index(message: Buffer, limits: MimeIndexerLimits = NO_LIMIT): Indexed {
  return indexChunks([message], limits);
}

/**
 * Feeds the chunks one by one and reports where a throw surfaced: the error, the index of the
 * chunk whose write() threw (or chunks.length for end()), and the bytes fed before that chunk.
 */
export function feedUntilThrow(chunks: readonly Buffer[], limits: MimeIndexerLimits): { error: unknown; chunk: number; fedBefore: number } | null {
  const indexer = new MimeIndexer(limits);
  let fed = 0;
  for (let i = 0; i < chunks.length; i++) {
    try {
      indexer.write(chunks[i]!);
    } catch (error) {
      return { error, chunk: i, fedBefore: fed };
    }
    fed += chunks[i]!.length;
  }
  try {
    indexer.end();
  } catch (error) {
    return { error, chunk: chunks.length, fedBefore: fed };
  }
  return null;
}

/** A comparable picture of an indexing result: the whole tree and the preview (by tree path). */
export function snapshot(result: Indexed): string {
  const preview = result.preview ? { path: pathOf(result.root, result.preview.part), raw: result.preview.raw.toString('latin1') } : null;
  return JSON.stringify({ root: result.root, preview });
}

// ---------------------------------------------------------------------------------------------
// Randomness (seeded: a failure is reproducible)
// ---------------------------------------------------------------------------------------------

export type Random = { next(): number; int(below: number): number; bytes(length: number): Buffer; pick<T>(items: readonly T[]): T };

export function random(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    bytes: (length) => {
      const out = Buffer.alloc(length);
      for (let i = 0; i < length; i++) out[i] = int(256);
      return out;
    },
    pick: (items) => items[int(items.length)]!,
  };
}

/** `count` distinct sorted cut positions strictly inside a message of `length` bytes. */
export function randomCuts(rng: Random, length: number, count: number): number[] {
  const cuts = new Set<number>();
  while (cuts.size < Math.min(count, length - 1)) cuts.add(1 + rng.int(length - 1));
  return [...cuts].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Encoders and the reference quoted-printable decoder
// ---------------------------------------------------------------------------------------------

/** Base64 of the payload in lines of `lineLength` characters (Infinity: one line), CRLF-separated, no final CRLF. */
export function base64Lines(payload: Buffer, lineLength: number): string {
  const text = payload.toString('base64');
  if (!Number.isFinite(lineLength)) return text;
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += lineLength) lines.push(text.slice(i, i + lineLength));
  return lines.join('\r\n');
}

/**
 * A quoted-printable encoder (RFC 2045 §6.7): CRLF pairs in the payload become hard line breaks,
 * every other byte outside printable ASCII, "=" and white space before a line end are escaped,
 * lines are soft-broken ("=" CRLF) so that none exceeds `lineLength` characters.
 */
export function encodeQuotedPrintable(payload: Buffer, lineLength = 76): string {
  const lines: string[] = [];
  let line = '';
  const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  for (let i = 0; i < payload.length; i++) {
    const byte = payload[i]!;
    if (byte === 13 && payload[i + 1] === 10) {
      lines.push(line);
      line = '';
      i++;
      continue;
    }
    const atLineEnd = i + 1 === payload.length || (payload[i + 1] === 13 && payload[i + 2] === 10);
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !atLineEnd);
    const token = literal ? String.fromCharCode(byte) : hex(byte);
    // Room for the token plus a possible soft-break "=".
    if (line.length + token.length > lineLength - 1) {
      lines.push(`${line}=`);
      line = '';
    }
    line += token;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/**
 * Reference quoted-printable decoder, written from RFC 2045 §6.7: trailing white space on a line
 * is transport padding and goes; a line then ending in "=" is a soft break (no line break in the
 * data); "=XX" with two hex digits is one octet; any other "=" stays literally (rule 1's
 * "reasonable approach"); every other line break is a CRLF of the data.
 */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const lines = body.toString('latin1').split('\r\n');
  const out: number[] = [];
  lines.forEach((raw, index) => {
    let line = raw.replace(/[ \t]+$/, '');
    const soft = line.endsWith('=');
    if (soft) line = line.slice(0, -1);
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(line.slice(i + 1, i + 3))) {
        out.push(Number.parseInt(line.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.push(line.charCodeAt(i));
      }
    }
    if (!soft && index < lines.length - 1) out.push(13, 10);
  });
  return Buffer.from(out);
}

/** IMAP's line count of body octets: lines ended by CRLF, plus a last line without one. */
export function linesIn(body: Buffer): number {
  let lines = 0;
  for (let i = body.indexOf('\r\n'); i !== -1; i = body.indexOf('\r\n', i + 2)) lines++;
  if (body.length > 0 && !(body.length >= 2 && body[body.length - 2] === 13 && body[body.length - 1] === 10)) lines++;
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Message shapes for the size, line and limit tests
// ---------------------------------------------------------------------------------------------

export const OUTER = '=_outer_Missive_0';

/**
 * A multipart/mixed message: a short text part, then the part under test (tree path "2"), then a
 * closing text part, so that the part under test ends at a delimiter and bytes follow it.
 */
export function inMixed(partHeader: string, body: Buffer | string): Buffer {
  const head = crlf(
    `From: emartin@demo.mssante.test\nSubject: test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="${OUTER}"\n\n--${OUTER}\nContent-Type: text/plain; charset=us-ascii\n\nSee attached.\n--${OUTER}\n${partHeader}\n\n`,
  );
  const tail = crlf(`\n--${OUTER}\nContent-Type: text/plain\n\nAfter the part.\n--${OUTER}--\n`);
  return Buffer.concat([octets(head), typeof body === 'string' ? octets(body) : body, octets(tail)]);
}

/** A single-part message: the body runs to the end of the message. */
export function singlePart(partHeader: string, body: Buffer | string): Buffer {
  const head = crlf(`From: emartin@demo.mssante.test\nSubject: test\nMIME-Version: 1.0\n${partHeader}\n\n`);
  return Buffer.concat([octets(head), typeof body === 'string' ? octets(body) : body]);
}

/** The part under test of an inMixed() message. */
export function partUnderTest(result: Indexed): MimePart {
  const part = result.root.children[1];
  assert.ok(part, 'the message has a second part');
  return part;
}
