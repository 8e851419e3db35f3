import { hkdfSync } from 'node:crypto';
import type { KeyEncryptionKey } from './key-wrap.ts';

// Derived once per operator key and purpose: every SMTP AUTH and every request with a bearer
// token needs one, and HKDF costs more than the HMAC it keys. They live as long as the key does.
const derived = new WeakMap<KeyEncryptionKey, Map<string, Buffer>>();

/** A key for one purpose, derived from the operator's key (HKDF-SHA256): no extra secret to keep. */
export function deriveSubkey(kek: KeyEncryptionKey, purpose: string): Buffer {
  let byPurpose = derived.get(kek);
  if (!byPurpose) derived.set(kek, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) byPurpose.set(purpose, (key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), `missive/${purpose}`, 32))));
  return key;
}
