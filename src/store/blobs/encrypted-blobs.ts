import { pipeline as pipelineCallback, type Readable } from 'node:stream';
import { decryptStream } from '../crypto/chunked-aead.ts';
import type { BlobStore } from './blob-store.ts';

/** The decrypted content; errors (BlobNotFoundError, CryptoError) surface on the returned stream. */
export function openDecrypted(store: BlobStore, key: string, dataKey: Buffer): Readable {
  const decrypt = decryptStream(dataKey, key);
  // Errors reach the consumer through `decrypt`, which pipeline destroys with them.
  return pipelineCallback(store.get(key), decrypt, () => {});
}
