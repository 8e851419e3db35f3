import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from './crypto-error.ts';
import { deriveSubkey } from './derive.ts';
import type { KeyEncryptionKey } from './key-wrap.ts';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Small secrets and records kept in a row (a TOTP secret, a draft): AES-256-GCM under a key
 * derived for `purpose`, bound by AAD to the row it belongs to, so a sealed value copied into
 * another row does not open there. Layout: version, nonce, tag, ciphertext.
 */
export function sealRecord(kek: KeyEncryptionKey, purpose: string, binding: string, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveSubkey(kek, `sealed/${purpose}`), nonce);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), body]);
}

export function openRecord(kek: KeyEncryptionKey, purpose: string, binding: string, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new CryptoError('sealed record is malformed');
  const decipher = createDecipheriv('aes-256-gcm', deriveSubkey(kek, `sealed/${purpose}`), bytes.subarray(1, 1 + NONCE_BYTES));
  decipher.setAAD(Buffer.from(binding, 'utf8'));
  decipher.setAuthTag(bytes.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new CryptoError('sealed record does not authenticate');
  }
}
