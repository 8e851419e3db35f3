import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';

// What every authenticator app assumes when it reads an otpauth:// URI: anything else is
// silently ignored by some of them, and their codes would never match.
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20; // 160 bits, the size RFC 4226 recommends for HMAC-SHA-1
// One step either side absorbs clock drift between the phone and the server (RFC 6238 §5.2).
const DRIFT_STEPS = 1;
export const ISSUER = 'Missive';

export function newTotpSecret(): Buffer {
  return Buffer.from(new Secret({ size: SECRET_BYTES }).bytes);
}

export function base32Of(secret: Uint8Array): string {
  return secretOf(secret).base32;
}

/** The key URI an authenticator app reads (as a QR code or pasted). */
export function otpauthUri(userId: string, secret: Uint8Array): string {
  const label = `${encodeURIComponent(ISSUER)}:${encodeURIComponent(userId)}`;
  const query = `secret=${base32Of(secret)}&issuer=${encodeURIComponent(ISSUER)}&algorithm=${ALGORITHM}&digits=${DIGITS}&period=${PERIOD_SECONDS}`;
  return `otpauth://totp/${label}?${query}`;
}

export function stepAt(now: number): number {
  return Math.floor(now / (PERIOD_SECONDS * 1000));
}

/** The code of one time step (tests and the check below). */
export function codeForStep(secret: Uint8Array, step: number): string {
  return HOTP.generate({ secret: secretOf(secret), algorithm: ALGORITHM, digits: DIGITS, counter: step });
}

export type StepMatch = { kind: 'ok'; step: number } | { kind: 'replayed' } | { kind: 'wrong' };

/**
 * Which step a code belongs to, within the drift window around `now`. A step at or before
 * `lastStep` was already spent: its code is refused (RFC 6238 §5.2). Every candidate is
 * compared, in constant time, whatever matched before.
 */
export function matchStep(secret: Uint8Array, code: string, now: number, lastStep: number | null): StepMatch {
  if (!/^\d{6}$/.test(code)) return { kind: 'wrong' };
  const given = Buffer.from(code, 'ascii');
  const current = stepAt(now);
  let fresh: number | null = null;
  let spent = false;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    const same = timingSafeEqual(Buffer.from(codeForStep(secret, step), 'ascii'), given);
    if (same && (lastStep === null || step > lastStep)) fresh = step;
    else if (same) spent = true;
  }
  if (fresh !== null) return { kind: 'ok', step: fresh };
  return spent ? { kind: 'replayed' } : { kind: 'wrong' };
}

function secretOf(bytes: Uint8Array): Secret {
  // A copy: a Buffer may be a view into a larger shared pool, and Secret takes the whole ArrayBuffer.
  return new Secret({ buffer: Uint8Array.from(bytes).buffer });
}
