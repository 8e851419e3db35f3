/**
 * Envelope encryption at rest: each blob is encrypted with its own random data key
 * (chunked AES-256-GCM stream), and the data key is stored wrapped by the operator's
 * key-encryption key (KEK). Destroying the wrapped data key shreds the blob.
 *
 * This module is the public entry point; the pieces live in the files re-exported below.
 */
export { CryptoError } from './crypto-error.ts';
export {
  generateDataKey,
  generateKeyEncryptionKey,
  kekFingerprint,
  parseKek,
  unwrapDataKey,
  wrapDataKey,
  type KeyEncryptionKey,
} from './key-wrap.ts';
export { decryptBuffer, decryptStream, encryptChunks, encryptStream, DEFAULT_CHUNK_SIZE } from './chunked-aead.ts';
export { loadOrCreateKek } from './kek-file.ts';
