import { secureRandomBytes } from '../core/random.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** The same 32 characters in ASCII order, so that encoded times sort as the times do. */
const SORTED_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 20;
const TIME_CHARS = 10;

/** Every identifier newId and newOrderedId make (and those made before ordered ones existed). */
export const ID_PATTERN = `^[a-z]{3}_[a-z2-7]{${RANDOM_CHARS}}(?:[a-z2-7]{${TIME_CHARS}})?$`;

/** A random identifier with a readable prefix (`mbx_…`, `ses_…`): 100 bits, unguessable, URL-safe. */
export function newId(prefix: string): string {
  return `${prefix}_${randomText(RANDOM_CHARS)}`;
}

/**
 * An identifier for rows written by the thousand (messages, proof events, queued copies): the
 * creation time in milliseconds first, then the same 100 random bits as newId. Random keys put
 * each new row on a different page of every index keyed by them, and each such page is written
 * whole to the log at every commit; keys that follow the clock land together at the end.
 */
export function newOrderedId(prefix: string, now = Date.now()): string {
  // Written as bytes, then made one string: a character at a time made a string per character.
  const text = Buffer.allocUnsafe(TIME_CHARS + RANDOM_CHARS);
  let rest = Math.max(0, Math.floor(now));
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    text[i] = SORTED_ALPHABET.charCodeAt(rest % 32);
    rest = Math.floor(rest / 32);
  }
  text.set(randomLetters(RANDOM_CHARS), TIME_CHARS);
  return `${prefix}_${text.toString('latin1')}`;
}

/** `chars` random characters of `a-z2-7` (5 bits each): easy to read out and to type, nothing a shell or a command line treats specially. */
export function randomText(chars: number): string {
  return randomLetters(chars).toString('latin1');
}

/** Random bytes made letters of ALPHABET, in place. */
function randomLetters(chars: number): Buffer {
  const bytes = secureRandomBytes(chars);
  for (let i = 0; i < bytes.length; i++) bytes[i] = ALPHABET.charCodeAt(bytes[i]! & 31);
  return bytes;
}
