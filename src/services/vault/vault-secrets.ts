import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { deriveSubkey } from '../../store/crypto/derive.ts';
import type { ServiceContext } from '../context.ts';

export const CODE_DIGITS = 8;

/** A link's token: 256 random bits, in the URL only (the notification), never stored. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An access code: 8 digits, easy to dictate or to type from an SMS; five tries, then the link dies. */
export function newAccessCode(): string {
  return Array.from({ length: CODE_DIGITS }, () => randomInt(10)).join('');
}

/** A reader's session after the right code: a cookie, 256 bits. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Keyed digests (HMAC-SHA256 under keys derived from the operator's): a copy of the database
 * alone opens nothing. A code is bound to its item, so the same eight digits differ everywhere.
 */
export function linkDigest(ctx: ServiceContext, token: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'vault-link/v1')).update(token, 'utf8').digest('hex');
}

export function codeDigest(ctx: ServiceContext, itemId: string, code: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'vault-code/v1')).update(`${itemId}\n${code}`, 'utf8').digest('hex');
}

export function sessionDigest(ctx: ServiceContext, itemId: string, token: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'vault-session/v1')).update(`${itemId}\n${token}`, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string | null, b: string): boolean {
  if (a === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
