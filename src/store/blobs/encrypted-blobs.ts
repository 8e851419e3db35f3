import { createHash } from 'node:crypto';
import { pipeline as pipelineCallback, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream } from '../crypto/chunked-aead.ts';
import type { BlobStore } from './blob-store.ts';

export type EncryptedPutResult = {
  /** Bytes stored (ciphertext, header and tags included). */
  size: number;
  plainSize: number;
  /** SHA-256 of the plaintext, hex. Equal contents give equal digests: store it only where that is acceptable. */
  sha256: string;
};

/**
 * Encrypts `source` under `dataKey` and stores it under `key`, streaming: the blob key is the
 * AEAD context, so a ciphertext copied under another key does not decrypt.
 * If `source` fails (e.g. a size limit in an upstream transform) the put rejects with that
 * error and nothing is left behind.
 */
export async function putEncrypted(
  store: BlobStore,
  key: string,
  dataKey: Buffer,
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
): Promise<EncryptedPutResult> {
  const hash = createHash('sha256');
  let plainSize = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      plainSize += chunk.length;
      callback(null, chunk);
    },
  });
  const encrypt = encryptStream(dataKey, key);
  // Both run together: the pipeline feeds `encrypt`, the store drains it. A failure on either
  // side destroys the other (pipeline destroys all its streams; put destroys its source).
  const [piped, stored] = await Promise.allSettled([
    pipeline(source as AsyncIterable<Uint8Array>, measure, encrypt),
    store.put(key, encrypt),
  ]);
  // The store's error first: when it fails on its own, the pipeline only reports a premature close.
  if (stored.status === 'rejected') throw stored.reason;
  if (piped.status === 'rejected') throw piped.reason;
  return { size: stored.value.size, plainSize, sha256: hash.digest('hex') };
}

/** The decrypted content; errors (BlobNotFoundError, CryptoError) surface on the returned stream. */
export function openDecrypted(store: BlobStore, key: string, dataKey: Buffer): Readable {
  const decrypt = decryptStream(dataKey, key);
  // Errors reach the consumer through `decrypt`, which pipeline destroys with them.
  return pipelineCallback(store.get(key), decrypt, () => {});
}
