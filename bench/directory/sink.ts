import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createZipWriter } from './zip-writer.ts';

/**
 * Where the lines of one extraction go: a text file, or a one-entry ZIP archive. Lines are
 * encoded into chunks of a megabyte, each written in one call, and the producer waits for the
 * disk (or the compressor) whenever a chunk is due, so memory stays flat whatever the file's size.
 */

export type LineSink = {
  /** The number of lines written so far, header included: the next line's number minus one. */
  readonly lines: number;
  /** The number of bytes of text handed over so far (before any compression). */
  readonly bytes: number;
  writeLine(line: string): void;
  /** True when a chunk is due: await flush() before producing more. */
  readonly full: boolean;
  flush(): Promise<void>;
  close(): Promise<void>;
};

export type SinkTarget = { path: string; zip: { entryName: string; modified: Date; level?: number } | null };

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHUNK_BYTES = 1 << 20;

type ByteWriter = { write(buffer: Buffer): Promise<void>; close(): Promise<void> };

function fileWriter(path: string): ByteWriter {
  const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  let failure: Error | null = null;
  stream.on('error', (error) => (failure ??= error));
  return {
    async write(buffer) {
      if (failure) throw failure;
      if (!stream.write(buffer)) await once(stream, 'drain');
    },
    async close() {
      const closed = once(stream, 'close');
      stream.end();
      await closed;
      if (failure) throw failure;
    },
  };
}

function zipWriter(path: string, entryName: string, modified: Date, level: number | undefined): ByteWriter {
  const zip = createZipWriter(path);
  const entry = zip.entry(entryName, { modified, level });
  return {
    write: (buffer) => entry.write(buffer),
    async close() {
      await entry.end();
      await zip.close();
    },
  };
}

export function openSink(target: SinkTarget, options: { bom: boolean; eol: string }): LineSink {
  const writer = target.zip ? zipWriter(target.path, target.zip.entryName, target.zip.modified, target.zip.level) : fileWriter(target.path);
  const eol = Buffer.from(options.eol, 'latin1');
  // Lines are encoded straight into a chunk (no string gathering). A chunk that fills up before
  // the caller flushes waits in `ready`; the caller flushes once half a chunk is used.
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = options.bom ? BOM.copy(chunk, 0) : 0;
  const ready: Buffer[] = [];
  let lines = 0;
  let handed = 0;

  function seal(): void {
    if (used === 0) return;
    ready.push(chunk.subarray(0, used));
    handed += used;
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    used = 0;
  }

  async function flush(): Promise<void> {
    seal();
    while (ready.length > 0) await writer.write(ready.shift()!);
  }

  return {
    get lines() {
      return lines;
    },
    get bytes() {
      return handed + used;
    },
    writeLine(line) {
      // At most three bytes per UTF-16 unit.
      const room = line.length * 3 + eol.length;
      if (used + room > chunk.length) {
        seal();
        if (room > chunk.length) chunk = Buffer.allocUnsafe(room);
      }
      used += chunk.write(line, used, 'utf8');
      used += eol.copy(chunk, used);
      lines++;
    },
    get full() {
      return ready.length > 0 || used >= CHUNK_BYTES / 2;
    },
    flush,
    async close() {
      await flush();
      await writer.close();
    },
  };
}
