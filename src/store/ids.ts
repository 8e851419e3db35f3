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
  let time = '';
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < TIME_CHARS; i++) {
    time = SORTED_ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return `${prefix}_${time}${randomText(RANDOM_CHARS)}`;
}

/** `chars` random characters of `a-z2-7` (5 bits each): easy to read out and to type, nothing a shell or a command line treats specially. */
export function randomText(chars: number): string {
  const bytes = secureRandomBytes(chars);
  let text = '';
  for (const byte of bytes) text += ALPHABET[byte & 31];
  return text;
}
