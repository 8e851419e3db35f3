import { hkdfSync } from 'node:crypto';
import type { KeyEncryptionKey } from './key-wrap.ts';

/** A key for one purpose, derived from the operator's key (HKDF-SHA256): no extra secret to keep. */
export function deriveSubkey(kek: KeyEncryptionKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), `missive/${purpose}`, 32));
}
