import { createHmac, randomInt, timingSafeEqual, type KeyObject } from 'node:crypto';

export const CODE_DIGITS = 6;
export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;

/** A uniformly random 6-digit code (leading zeros kept). */
export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/**
 * The stored form of a code: a keyed digest bound to its challenge, so a copy of the database
 * neither reveals codes nor lets one try the million candidates offline.
 */
export function codeDigest(key: KeyObject, challengeId: string, code: string): string {
  return createHmac('sha256', key).update(`${challengeId}:${code}`).digest('hex');
}

export function codeMatches(key: KeyObject, challengeId: string, code: string, digest: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const expected = Buffer.from(codeDigest(key, challengeId, code), 'hex');
  const stored = Buffer.from(digest, 'hex');
  return expected.length === stored.length && timingSafeEqual(expected, stored);
}
