import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { MissiveError } from '../../../core/errors.ts';

/** One extraction to read: a file, or a `.txt` inside a ZIP; opened as often as needed. */
export type Source = { name: string; open(): Promise<Readable> };

/** The sources behind command-line paths: text files as they are, ZIP archives as their `.txt` entries. */
export async function sourcesOf(paths: readonly string[]): Promise<Source[]> {
  const sources: Source[] = [];
  for (const file of paths) {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new MissiveError('invalid_argument', `not a file: ${file}`);
    if (await isZip(file)) sources.push(...(await zipEntries(file)));
    else sources.push({ name: path.basename(file), open: async () => createReadStream(file, { highWaterMark: 1 << 18 }) });
  }
  return sources;
}

async function isZip(file: string): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: 3 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  return head.length === 4 && head.readUInt32LE(0) === 0x04034b50;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(new MissiveError('invalid_argument', `${path.basename(file)}: not a readable ZIP (${error.message})`)) : resolve(zip)));
  });
}

async function zipEntries(file: string): Promise<Source[]> {
  const zip = await openZip(file);
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/') && entry.fileName.toLowerCase().endsWith('.txt')) names.push(entry.fileName);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return names.map((name) => ({ name: `${path.basename(file)}:${name}`, open: () => openZipEntry(file, name) }));
}

async function openZipEntry(file: string, name: string): Promise<Readable> {
  const zip = await openZip(file);
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName !== name) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        stream.once('close', () => zip.close());
        resolve(stream);
      });
    });
    zip.on('end', () => reject(new MissiveError('invalid_argument', `${name} vanished from ${file}`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** No extraction line comes near this; a longer one is reported as bad, not held in memory. */
export const MAX_LINE_BYTES = 1 << 20;
/** Stands for a line longer than MAX_LINE_BYTES (a NUL never starts a real line). */
export const OVERLONG_LINE = '\u0000overlong';

/**
 * The lines of a stream in batches, UTF-8 with or without BOM, LF or CRLF; a batch is handed over
 * only when the previous one was processed, so memory stays constant whatever the file size.
 * Each line is decoded on its own: a value kept from it (an address, an identifier) holds on to
 * its line at most, never to the megabyte read with it.
 */
export async function* lineBatches(stream: Readable, batchSize = 2_000): AsyncGenerator<string[]> {
  let rest: Buffer | null = null;
  let first = true;
  let skipping = false;
  let batch: string[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let bytes: Buffer = rest === null ? chunk : Buffer.concat([rest, chunk]);
    if (skipping) {
      // The rest of an overlong line, up to its end.
      const end = bytes.indexOf(10);
      if (end === -1) continue;
      bytes = bytes.subarray(end + 1);
      skipping = false;
    }
    if (first && bytes.length >= 3) {
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
    }
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(10, start);
      if (end === -1) break;
      batch.push(bytes.toString('utf8', start, end > start && bytes[end - 1] === 13 ? end - 1 : end));
      start = end + 1;
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    rest = start < bytes.length ? Buffer.from(bytes.subarray(start)) : null;
    if (rest !== null && rest.length > MAX_LINE_BYTES) {
      batch.push(OVERLONG_LINE);
      rest = null;
      skipping = true;
    }
  }
  if (rest !== null) {
    if (first && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) rest = rest.subarray(3);
    const text = rest.toString('utf8');
    batch.push(text.endsWith('\r') ? text.slice(0, -1) : text);
  }
  if (batch.length > 0) yield batch;
}
