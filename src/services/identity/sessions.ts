import { createHash, randomBytes } from 'node:crypto';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { newId } from '../../store/ids.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { liveSessionByDigest, insertSession, revokeSessions, sessionsOfUser, touchSession } from '../../store/repositories/identity.ts';
import type { ServiceContext } from '../context.ts';

export const SESSION_TTL_MS = 12 * 60 * 60_000;
// Recording activity at most once a minute keeps a busy client from writing on every request.
const TOUCH_EVERY_MS = 60_000;

export type NewSession = { token: string; sessionId: string; userId: string; expiresAt: number };
export type SessionView = { id: string; createdAt: number; lastSeenAt: number; expiresAt: number; userAgent: string | null; source: string | null; current: boolean };

/** The bearer token is 256 random bits; only its SHA-256 is stored. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(ctx: ServiceContext, request: { userId: string; source: string; userAgent: string | null }): Promise<NewSession> {
  const now = ctx.clock();
  const token = randomBytes(32).toString('base64url');
  const sessionId = newId('ses');
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.sql.write(async (trx) => {
    await insertSession(trx, {
      id: sessionId,
      user_id: request.userId,
      token_digest: tokenDigest(token),
      user_agent: request.userAgent?.slice(0, 200) ?? null,
      source: request.source,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    });
    await appendAudit(trx, { at: now, actor: `user:${request.userId}`, action: 'login', target: sessionId, result: 'ok', detail: { source: request.source } });
  });
  return { token, sessionId, userId: request.userId, expiresAt };
}

/** The principal behind a token, or `unauthorized`: revoked, expired, unknown and disabled look alike. */
export async function authenticateSession(ctx: ServiceContext, token: string): Promise<{ principal: Principal; sessionId: string; userId: string }> {
  const now = ctx.clock();
  const session = token ? await liveSessionByDigest(ctx.sql.read, tokenDigest(token), now) : undefined;
  if (!session) throw new MissiveError('unauthorized', 'not logged in');
  if (now - session.last_seen_at > TOUCH_EVERY_MS) await ctx.sql.write((trx) => touchSession(trx, session.id, now));
  return { principal: { kind: 'user', userId: session.user_id }, sessionId: session.id, userId: session.user_id };
}

export async function listSessions(ctx: ServiceContext, userId: string, currentSessionId: string): Promise<SessionView[]> {
  const sessions = await sessionsOfUser(ctx.sql.read, userId, ctx.clock());
  return sessions.map((session) => ({
    id: session.id,
    createdAt: session.created_at,
    lastSeenAt: session.last_seen_at,
    expiresAt: session.expires_at,
    userAgent: session.user_agent,
    source: session.source,
    current: session.id === currentSessionId,
  }));
}

/** Revokes one of the user's own sessions; someone else's session id is "not found". */
export async function revokeSession(ctx: ServiceContext, userId: string, sessionId: string): Promise<void> {
  const now = ctx.clock();
  const revoked = await ctx.sql.write(async (trx) => {
    const count = await revokeSessions(trx, userId, now, { id: sessionId });
    await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'session.revoke', target: sessionId, result: count === 1 ? 'ok' : 'refused' });
    return count;
  });
  if (revoked !== 1) throw new MissiveError('not_found', 'no such session');
}
