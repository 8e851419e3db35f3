import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { KeyEncryptionKey } from './key-wrap.ts';

// Derived once per operator key and purpose: every SMTP AUTH and every request with a bearer
// token needs one. Kept as a KeyObject: an HMAC or a cipher keyed with a Buffer turns it into
// one first, each time, which costs more than the HMAC of a token itself.
const derived = new WeakMap<KeyEncryptionKey, Map<string, KeyObject>>();

/** A key for one purpose, derived from the operator's key (HKDF-SHA256): no extra secret to keep. */
export function deriveSubkey(kek: KeyEncryptionKey, purpose: string): KeyObject {
  let byPurpose = derived.get(kek);
  if (!byPurpose) derived.set(kek, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) byPurpose.set(purpose, (key = createSecretKey(Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), `missive/${purpose}`, 32)))));
  return key;
}
