import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { secureRandomBytes } from '../../core/random.ts';
import { CryptoError } from './crypto-error.ts';

/** The operator's key-encryption key. `id` is a public fingerprint, safe to log and store. */
export type KeyEncryptionKey = { id: string; key: Buffer };

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_VERSION = 1;
// Domain separation: the same key hashed or used as AAD elsewhere must never collide with these.
const FINGERPRINT_PREFIX = 'missive/kek-id/v1\0';
const WRAP_AAD_PREFIX = Buffer.from('missive/dek-wrap/v1\0', 'utf8');
const KEK_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;
// Exactly 32 bytes in standard padded base64: 43 characters then one '='.
const KEY_BASE64_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

export function kekFingerprint(key: Buffer): string {
  return createHash('sha256').update(FINGERPRINT_PREFIX).update(key).digest('hex').slice(0, 16);
}

export function generateDataKey(): Buffer {
  return secureRandomBytes(KEY_BYTES);
}

export function generateKeyEncryptionKey(): KeyEncryptionKey {
  const key = randomBytes(KEY_BYTES);
  return { id: kekFingerprint(key), key };
}

/** Parses a KEK given as base64 (configuration, key file). Whitespace around it is ignored. */
export function parseKek(base64: string): KeyEncryptionKey {
  const text = base64.trim();
  // Messages deliberately omit the input: it is (or is close to) key material.
  if (!KEY_BASE64_PATTERN.test(text)) {
    throw new CryptoError(`key-encryption key must be ${KEY_BYTES} bytes in standard base64 (44 characters ending in '=')`);
  }
  const key = Buffer.from(text, 'base64');
  // Non-canonical trailing bits would give two spellings of one key; refuse them.
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw new CryptoError('key-encryption key is not canonical base64');
  }
  return { id: kekFingerprint(key), key };
}

function checkKek(kek: KeyEncryptionKey): Buffer {
  if (!Buffer.isBuffer(kek.key) || kek.key.length !== KEY_BYTES) {
    throw new CryptoError(`key-encryption key must be ${KEY_BYTES} bytes`);
  }
  if (!KEK_ID_PATTERN.test(kek.id)) throw new CryptoError('key-encryption key id must be 1-64 printable ASCII characters');
  return Buffer.from(kek.id, 'ascii');
}

/**
 * Wrapped data key layout (version 1):
 *   version(1) | idLength(1) | kekId(idLength, ASCII) | nonce(12) | ciphertext(32) | tag(16)
 * AAD = "missive/dek-wrap/v1\0" | version | idLength | kekId | context (UTF-8),
 * so a wrapped key moved to another blob (other context) or relabelled with another KEK id fails.
 */
export function wrapDataKey(kek: KeyEncryptionKey, dataKey: Buffer, context: string): Buffer {
  const id = checkKek(kek);
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== KEY_BYTES) throw new CryptoError(`data key must be ${KEY_BYTES} bytes`);
  const header = Buffer.concat([Buffer.from([WRAP_VERSION, id.length]), id]);
  const nonce = secureRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(kek), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([WRAP_AAD_PREFIX, header, Buffer.from(context, 'utf8')]));
  const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([header, nonce, ciphertext, cipher.getAuthTag()]);
}

export function unwrapDataKey(kek: KeyEncryptionKey, wrapped: Buffer, context: string): Buffer {
  checkKek(kek);
  if (wrapped.length < 2) throw new CryptoError('wrapped data key is truncated');
  const version = wrapped[0];
  if (version !== WRAP_VERSION) throw new CryptoError(`wrapped data key has unsupported version ${version}`);
  const idLength = wrapped[1] ?? 0;
  const expectedLength = 2 + idLength + NONCE_BYTES + KEY_BYTES + TAG_BYTES;
  if (idLength === 0 || wrapped.length !== expectedLength) {
    throw new CryptoError(`wrapped data key has length ${wrapped.length}, expected ${expectedLength}`);
  }
  const headerEnd = 2 + idLength;
  const wrappedKekId = wrapped.subarray(2, headerEnd).toString('ascii');
  if (wrappedKekId !== kek.id) {
    throw new CryptoError(`data key was wrapped by key-encryption key ${JSON.stringify(wrappedKekId)}, not by the configured ${JSON.stringify(kek.id)}`);
  }
  const nonce = wrapped.subarray(headerEnd, headerEnd + NONCE_BYTES);
  const ciphertext = wrapped.subarray(headerEnd + NONCE_BYTES, headerEnd + NONCE_BYTES + KEY_BYTES);
  const tag = wrapped.subarray(headerEnd + NONCE_BYTES + KEY_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(kek), nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.concat([WRAP_AAD_PREFIX, wrapped.subarray(0, headerEnd), Buffer.from(context, 'utf8')]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new CryptoError('wrapped data key failed authentication (wrong context, or corrupted)', { cause: error });
  }
}

// Imported once per key: a raw key would be re-imported by every cipher.
const keyObjects = new WeakMap<KeyEncryptionKey, KeyObject>();
function keyObjectOf(kek: KeyEncryptionKey): KeyObject {
  let object = keyObjects.get(kek);
  if (!object) {
    object = createSecretKey(kek.key);
    keyObjects.set(kek, object);
  }
  return object;
}
