import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServiceContext } from '../../services/context.ts';
import { deriveSubkey } from '../../store/crypto/derive.ts';

/**
 * The CSRF token of a session: derived from its id with a key only the server has. The browser
 * gets it in the login answer and sends it back in a header on every change; another site can
 * neither read it nor make the browser add the header (and the cookie is SameSite=Strict too).
 */
export function csrfTokenFor(ctx: ServiceContext, sessionId: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'csrf/v1')).update(sessionId).digest('base64url');
}

export function csrfTokenMatches(ctx: ServiceContext, sessionId: string, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(csrfTokenFor(ctx, sessionId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
