import type { FastifyReply, FastifyRequest } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { ServiceContext } from '../../services/context.ts';
import { authenticateSession } from '../../services/identity/sessions.ts';
import { csrfTokenMatches } from './csrf.ts';

export const SESSION_COOKIE = 'missive_session';
export const CSRF_HEADER = 'x-csrf-token';

export type Caller = { principal: Principal; sessionId: string; userId: string; token: string };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** A preHandler: the session cookie must name a live session, and changes must carry its CSRF token. */
export function requireSession(ctx: ServiceContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    const session = await authenticateSession(ctx, token);
    const safe = request.method === 'GET' || request.method === 'HEAD';
    if (!safe && !csrfTokenMatches(ctx, session.sessionId, request.headers[CSRF_HEADER] as string | undefined)) {
      throw new MissiveError('forbidden', 'missing or wrong CSRF token');
    }
    request.caller = { ...session, token };
  };
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new MissiveError('unauthorized', 'not logged in');
  return request.caller;
}
