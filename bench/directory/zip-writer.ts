import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';

/**
 * A minimal streaming ZIP writer (PKWARE APPNOTE 6.3, no ZIP64): each entry's sizes and CRC-32
 * follow its data in a data descriptor (flag bit 3), so an entry of any length below 4 GiB is
 * written in one pass without holding it. Stored or deflated; names are written as UTF-8.
 */

export type ZipEntryOptions = { method?: 'deflate' | 'store'; level?: number; modified?: Date };

export type ZipEntryWriter = {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
};

export type ZipWriter = {
  /** Starts an entry; the previous one must have ended. */
  entry(name: string, options?: ZipEntryOptions): ZipEntryWriter;
  /** Writes the central directory and closes the file. */
  close(): Promise<void>;
};

const LIMIT = 0xffffffff;
const FLAGS = 0x0008 | 0x0800; // data descriptor follows; UTF-8 names

type CentralRecord = { name: Buffer; method: number; time: number; date: number; crc: number; compressed: number; size: number; offset: number };

/** MS-DOS date and time, from the UTC fields so the bytes do not depend on the time zone. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export function createZipWriter(path: string): ZipWriter {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  let failure: Error | null = null;
  file.on('error', (error) => (failure ??= error));
  let offset = 0;
  let open = false;
  const central: CentralRecord[] = [];

  async function put(buffer: Buffer): Promise<void> {
    if (failure) throw failure;
    offset += buffer.length;
    if (offset > LIMIT) throw new Error('zip-writer: archive above 4 GiB needs ZIP64, not supported');
    if (!file.write(buffer)) await once(file, 'drain');
  }

  function entry(nameText: string, options: ZipEntryOptions = {}): ZipEntryWriter {
    if (open) throw new Error('zip-writer: the previous entry is still open');
    open = true;
    const name = Buffer.from(nameText, 'utf8');
    const method = options.method === 'store' ? 0 : 8;
    const { time, date } = dosDateTime(options.modified ?? new Date(Date.UTC(1980, 0, 1)));
    const headerOffset = offset;
    const header = Buffer.alloc(30 + name.length);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC-32 and sizes (14..25) stay zero: the data descriptor carries them.
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    name.copy(header, 30);
    // Queued synchronously, so it precedes anything the compressor emits.
    const headerWritten = put(header);
    let crc = 0;
    let size = 0;
    let compressed = 0;

    const deflate = method === 8 ? createDeflateRaw({ level: options.level ?? 6 }) : null;
    const onFileError = (error: Error) => deflate?.destroy(error);
    if (deflate) {
      file.on('error', onFileError);
      deflate.on('data', (chunk: Buffer) => {
        compressed += chunk.length;
        offset += chunk.length;
        if (!file.write(chunk)) {
          deflate.pause();
          file.once('drain', () => deflate.resume());
        }
      });
    }

    return {
      async write(chunk) {
        await headerWritten;
        if (failure) throw failure;
        crc = crc32(chunk, crc);
        size += chunk.length;
        if (size > LIMIT) throw new Error('zip-writer: entry above 4 GiB needs ZIP64, not supported');
        if (deflate) {
          if (!deflate.write(chunk)) await once(deflate, 'drain');
        } else {
          compressed += chunk.length;
          await put(chunk);
        }
      },
      async end() {
        await headerWritten;
        if (deflate) {
          const ended = once(deflate, 'end');
          deflate.end();
          await ended;
          file.off('error', onFileError);
        }
        if (offset > LIMIT) throw new Error('zip-writer: archive above 4 GiB needs ZIP64, not supported');
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(crc >>> 0, 4);
        descriptor.writeUInt32LE(compressed, 8);
        descriptor.writeUInt32LE(size, 12);
        await put(descriptor);
        central.push({ name, method, time, date, crc: crc >>> 0, compressed, size, offset: headerOffset });
        open = false;
      },
    };
  }

  async function close(): Promise<void> {
    if (open) throw new Error('zip-writer: an entry is still open');
    const start = offset;
    for (const record of central) {
      const header = Buffer.alloc(46 + record.name.length);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, spec 2.0
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(FLAGS, 8);
      header.writeUInt16LE(record.method, 10);
      header.writeUInt16LE(record.time, 12);
      header.writeUInt16LE(record.date, 14);
      header.writeUInt32LE(record.crc, 16);
      header.writeUInt32LE(record.compressed, 20);
      header.writeUInt32LE(record.size, 24);
      header.writeUInt16LE(record.name.length, 28);
      // extra, comment, disk number, internal attributes: zero
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      header.writeUInt32LE(record.offset, 42);
      record.name.copy(header, 46);
      await put(header);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(central.length, 8);
    end.writeUInt16LE(central.length, 10);
    end.writeUInt32LE(offset - start, 12);
    end.writeUInt32LE(start, 16);
    await put(end);
    const closed = once(file, 'close');
    file.end();
    await closed;
    if (failure) throw failure;
  }

  return { entry, close };
}
