import { secureRandomBytes } from '../core/random.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A random identifier with a readable prefix (`msg_…`, `mbx_…`): 100 bits, unguessable, URL-safe. */
export function newId(prefix: string): string {
  const bytes = secureRandomBytes(20);
  let text = '';
  for (const byte of bytes) text += ALPHABET[byte & 31];
  return `${prefix}_${text}`;
}
