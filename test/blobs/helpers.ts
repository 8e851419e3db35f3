import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../src/store/blobs/blob-store.ts';
import { encryptChunks } from '../../src/store/crypto/envelope.ts';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'missive-blobs-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function collect(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Feeds `data` to a transform in pieces of `pieceSize` and returns everything it outputs. */
export async function through(transform: NodeJS.ReadWriteStream, data: Buffer, pieceSize = 7919): Promise<Buffer> {
  const pieces = function* (): Generator<Buffer> {
    for (let offset = 0; offset < data.length; offset += pieceSize) yield data.subarray(offset, offset + pieceSize);
  };
  return collect(Readable.from(pieces()).pipe(transform as NodeJS.WritableStream & Readable));
}

/**
 * Deterministic pseudo-random bytes generated on the fly (xorshift32), so large inputs never
 * exist in memory at once; `digest` is filled in once the generator is exhausted.
 */
export function generated(totalBytes: number, chunkBytes = 64 * 1024, seed = 0x9e3779b9): { source: AsyncGenerator<Buffer>; digest: () => string } {
  const hash = createHash('sha256');
  let digest = '';
  async function* source(): AsyncGenerator<Buffer> {
    let state = seed >>> 0 || 1;
    for (let produced = 0; produced < totalBytes; produced += chunkBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, totalBytes - produced));
      let i = 0;
      for (; i + 4 <= chunk.length; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeUInt32LE(state >>> 0, i);
      }
      for (; i < chunk.length; i++) chunk[i] = i & 0xff;
      hash.update(chunk);
      yield chunk;
    }
    digest = hash.digest('hex');
  }
  return { source: source(), digest: () => digest };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function randomData(size: number): Buffer {
  return randomBytes(size);
}

/**
 * Encrypts and stores as services/deposit does for a large message (encryptChunks into
 * BlobStore.put), measuring the plaintext on the way so tests can check what was stored.
 */
export async function putEncrypted(
  store: BlobStore,
  key: string,
  dataKey: Buffer,
  source: AsyncIterable<Uint8Array>,
): Promise<{ size: number; plainSize: number; sha256: string }> {
  const hash = createHash('sha256');
  let plainSize = 0;
  async function* measured(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(bytes);
      plainSize += bytes.length;
      yield bytes;
    }
  }
  const { size } = await store.put(key, encryptChunks(dataKey, key, measured()));
  return { size, plainSize, sha256: hash.digest('hex') };
}
