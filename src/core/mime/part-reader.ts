import { transferDecoder } from './part-decoder.ts';

/** Where a leaf part's body lies in the stored message, and how it is encoded. */
export type BodySpan = { bodyStart: number; bodyEnd: number; encoding: string };

type Source = AsyncIterable<Buffer> & { destroy?: () => unknown };

/**
 * The bytes [start, end) of a message stream as they pass. Reading stops at `end`: leaving the
 * loop closes the source, so the rest of the message is never decrypted.
 */
export async function* byteRange(source: Source, start: number, end: number): AsyncGenerator<Buffer> {
  let offset = 0;
  try {
    if (end <= start) return;
    for await (const chunk of source) {
      const chunkStart = offset;
      offset += chunk.length;
      if (offset <= start) continue;
      yield chunk.subarray(Math.max(start - chunkStart, 0), Math.min(end - chunkStart, chunk.length));
      if (offset >= end) return;
    }
    throw new Error('the message ends before the part its index describes');
  } finally {
    source.destroy?.();
  }
}

/** A part's body with its transfer encoding undone, as it streams. */
export async function* decodedBody(source: Source, span: BodySpan): AsyncGenerator<Buffer> {
  const decoder = transferDecoder(span.encoding);
  for await (const raw of byteRange(source, span.bodyStart, span.bodyEnd)) {
    const bytes = decoder.write(raw);
    if (bytes.length > 0) yield bytes;
  }
  const tail = decoder.end();
  if (tail.length > 0) yield tail;
}

export type DecodedBodies = {
  /** One per span, in the order given; the last ones may be cut or empty once the budget is spent. */
  bodies: Buffer[];
  /** The budget ran out before every span was read whole. */
  truncated: boolean;
};

/**
 * The decoded bodies of several parts (in message order, not overlapping), reading the message
 * once and only as far as needed: up to the last span's end, or until `budget` decoded bytes
 * are kept.
 */
export async function readDecodedBodies(source: Source, spans: readonly BodySpan[], budget: number): Promise<DecodedBodies> {
  const kept: Buffer[][] = spans.map(() => []);
  let remaining = budget;
  let truncated = false;
  let index = 0;
  let decoder = spans.length > 0 ? transferDecoder(spans[0]!.encoding) : null;
  let offset = 0;

  const keep = (bytes: Buffer) => {
    if (bytes.length === 0 || truncated) return;
    if (bytes.length > remaining) {
      truncated = true;
      bytes = bytes.subarray(0, remaining);
    }
    remaining -= bytes.length;
    // Copied: a decoder may hand back a view of the chunk it was given.
    if (bytes.length > 0) kept[index]!.push(Buffer.from(bytes));
  };
  const close = () => {
    keep(decoder!.end());
    index++;
    decoder = index < spans.length ? transferDecoder(spans[index]!.encoding) : null;
  };

  try {
    if (spans.length > 0) {
      for await (const chunk of source) {
        const chunkStart = offset;
        offset += chunk.length;
        while (index < spans.length && !truncated) {
          const span = spans[index]!;
          const from = Math.max(span.bodyStart, chunkStart);
          const to = Math.min(span.bodyEnd, offset);
          if (from < to) keep(decoder!.write(chunk.subarray(from - chunkStart, to - chunkStart)));
          if (span.bodyEnd > offset) break;
          close();
        }
        if (truncated || index >= spans.length) break;
      }
      // Spans that end with the message (empty ones included).
      while (!truncated && index < spans.length && spans[index]!.bodyEnd <= offset) close();
      if (!truncated && index < spans.length) throw new Error('the message ends before the part its index describes');
    }
  } finally {
    source.destroy?.();
  }
  return { bodies: kept.map((parts) => Buffer.concat(parts)), truncated: truncated || index < spans.length };
}
