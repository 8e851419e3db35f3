import { MissiveError } from '../../core/errors.ts';
import { MAX_HEADER_BLOCK_BYTES } from '../../core/header-block.ts';

const CR = 13;
const LF = 10;

/**
 * Rewrites line ends to CRLF (RFC 5322 stores nothing else): a bare LF from a Unix .eml or a
 * bare CR becomes CRLF. Stateful across chunks, so a CR at the end of one chunk and an LF at the
 * start of the next stay one line end.
 */
export async function* canonicalLineEnds(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { strict?: boolean } = {}): AsyncGenerator<Buffer> {
  if (options.strict) {
    yield* strictLineEnds(source);
    return;
  }
  let pendingCR = false;
  for await (const input of source) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input);
    if (!needsRewrite(chunk, pendingCR)) {
      pendingCR = chunk.length > 0 ? chunk[chunk.length - 1] === CR : pendingCR;
      if (chunk.length > 0) yield chunk;
      continue;
    }
    const out = Buffer.allocUnsafe(chunk.length * 2 + 1);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (pendingCR && byte !== LF) out[n++] = LF;
      if (byte === LF && !pendingCR) out[n++] = CR;
      out[n++] = byte;
      pendingCR = byte === CR;
    }
    yield out.subarray(0, n);
  }
  if (pendingCR) yield Buffer.from([LF]);
}

// RFC 5321 §4.5.3.1.6: a text line is at most 1,000 octets with its CRLF.
const MAX_LINE_OCTETS = 998;

/**
 * Between operators, line ends are CRLF and nothing else (RFC 5321 §2.3.8), and lines keep to
 * the limit: a bare LF or CR, the stuff of SMTP smuggling, or an overlong line refuses the
 * message rather than being silently repaired.
 */
async function* strictLineEnds(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  let pendingCR = false;
  let lineLength = 0;
  for await (const input of source) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input);
    let i = 0;
    if (pendingCR && chunk.length > 0) {
      if (chunk[0] !== LF) throw refuse('a bare CR');
      pendingCR = false;
      lineLength = 0;
      i = 1;
    }
    // The next CR and LF at or after i, each searched again only once passed.
    let nextCR = chunk.indexOf(CR, i);
    let nextLF = chunk.indexOf(LF, i);
    while (i < chunk.length) {
      if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
      if (nextLF !== -1 && nextLF < i) nextLF = chunk.indexOf(LF, i);
      if (nextLF !== -1 && (nextCR === -1 || nextLF < nextCR)) throw refuse('a bare LF');
      if (nextCR === -1) {
        lineLength += chunk.length - i;
        break;
      }
      lineLength += nextCR - i;
      if (lineLength > MAX_LINE_OCTETS) throw refuse(`a line longer than ${MAX_LINE_OCTETS} octets`);
      if (nextCR === chunk.length - 1) {
        pendingCR = true;
        break;
      }
      if (chunk[nextCR + 1] !== LF) throw refuse('a bare CR');
      lineLength = 0;
      i = nextCR + 2;
    }
    if (lineLength > MAX_LINE_OCTETS) throw refuse(`a line longer than ${MAX_LINE_OCTETS} octets`);
    if (chunk.length > 0) yield chunk;
  }
  if (pendingCR) throw refuse('a bare CR');
}

function refuse(what: string): MissiveError {
  return new MissiveError('malformed_message', `malformed message: ${what}; between operators only CRLF line ends of at most ${MAX_LINE_OCTETS} octets are accepted (RFC 5321)`);
}

function needsRewrite(chunk: Buffer, pendingCR: boolean): boolean {
  if (pendingCR && chunk.length > 0 && chunk[0] !== LF) return true;
  let index = chunk.indexOf(LF);
  while (index !== -1) {
    if (index === 0 ? !pendingCR : chunk[index - 1] !== CR) return true;
    index = chunk.indexOf(LF, index + 1);
  }
  index = chunk.indexOf(CR);
  while (index !== -1) {
    if (index < chunk.length - 1 && chunk[index + 1] !== LF) return true;
    index = chunk.indexOf(CR, index + 1);
  }
  return false;
}

/**
 * Splits a canonical stream into its header block (without the empty line) and an iterator
 * over the rest (starting with the empty line's CRLF), reading no more than the header cap.
 */
export async function splitHeader(
  source: AsyncIterator<Buffer>,
): Promise<{ header: Buffer; rest: AsyncGenerator<Buffer> }> {
  const parts: Buffer[] = [];
  let length = 0;
  for (;;) {
    const next = await source.next();
    if (next.done) {
      const all = Buffer.concat(parts);
      // A message with headers only: RFC 5322 allows the body to be absent.
      const header = all.subarray(0, all.length - (all.subarray(-2).toString() === '\r\n' ? 2 : 0));
      return { header: Buffer.concat([header, Buffer.from('\r\n')]), rest: fromBuffers([Buffer.from('\r\n')], source) };
    }
    const chunk = next.value;
    // Each byte is searched once: the chunk in place, and the seam with what came before
    // through a window of at most 6 bytes (the empty line may straddle two chunks).
    let end = -1;
    if (length > 0) {
      const seam = Buffer.concat([lastBytes(parts, 3), chunk.subarray(0, 3)]);
      const found = seam.indexOf('\r\n\r\n');
      if (found !== -1) end = length - Math.min(length, 3) + found;
    }
    if (end === -1) {
      const found = chunk.indexOf('\r\n\r\n');
      if (found !== -1) end = length + found;
    }
    if (end !== -1) {
      // Where the header ends in this chunk (negative: in what came before, across the seam).
      // Only the header is copied, and nothing when it is all in this chunk; the body stays where it is.
      const cut = end + 2 - length;
      if (cut >= 0) {
        const header = parts.length === 0 ? chunk.subarray(0, cut) : Buffer.concat([...parts, chunk.subarray(0, cut)]);
        return { header, rest: fromBuffers([chunk.subarray(cut)], source) };
      }
      const all = Buffer.concat([...parts, chunk]);
      return { header: all.subarray(0, end + 2), rest: fromBuffers([all.subarray(end + 2)], source) };
    }
    parts.push(chunk);
    length += chunk.length;
    if (length > MAX_HEADER_BLOCK_BYTES) {
      throw new MissiveError('malformed_message', `malformed message: no end of headers within ${MAX_HEADER_BLOCK_BYTES} bytes`);
    }
  }
}

/** The last `count` bytes held in `parts` (which may be smaller than `count` each). */
function lastBytes(parts: readonly Buffer[], count: number): Buffer {
  const out: Buffer[] = [];
  let needed = count;
  for (let index = parts.length - 1; index >= 0 && needed > 0; index--) {
    const part = parts[index]!;
    out.unshift(part.subarray(Math.max(part.length - needed, 0)));
    needed -= Math.min(part.length, needed);
  }
  return Buffer.concat(out);
}

/** The rest of the message; stopping early (a refusal) closes the source, so a socket is not left open. */
async function* fromBuffers(first: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  let done = false;
  try {
    for (const buffer of first) if (buffer.length > 0) yield buffer;
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await rest.return?.();
  }
}
