import { createHmac, randomBytes } from 'node:crypto';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { deriveSubkey } from '../../store/crypto/derive.ts';
import { newId } from '../../store/ids.ts';
import { insertAccessToken, liveAccessTokenByDigest, liveAccessTokensOf, revokeAccessToken as revokeRow } from '../../store/repositories/access-tokens.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import type { ServiceContext } from '../context.ts';
import { resolveUser } from './login.ts';

export const DEFAULT_TOKEN_SECONDS = 3600;
export const MAX_TOKEN_SECONDS = 24 * 3600;
const MAX_LIVE_TOKENS = 50;
const PREFIX = 'mst_';

export type AccessTokenView = { id: string; label: string; createdAt: number; expiresAt: number };
export type NewAccessToken = AccessTokenView & { token: string };

// 256 random bits: a fast keyed hash protects the stored copy, as for application passwords.
function digestOf(ctx: ServiceContext, token: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'access-token/v1')).update(token, 'utf8').digest('hex');
}

/**
 * A bearer token for SASL XOAUTH2 and OAUTHBEARER (SMTP now, IMAP next), for the logged-in user,
 * valid an hour by default and a day at most: what a mail client or health software presents
 * until OpenID Connect brings the national provider's tokens. Shown once.
 */
export async function issueAccessToken(ctx: ServiceContext, userId: string, request: { label: string; lifetimeSeconds?: number }): Promise<NewAccessToken> {
  const label = request.label.trim();
  if (label === '' || label.length > 60 || /[\u0000-\u001f\u007f]/.test(label)) throw new MissiveError('invalid_argument', 'name the token (the client that will use it), 1 to 60 characters');
  const lifetime = request.lifetimeSeconds ?? DEFAULT_TOKEN_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > MAX_TOKEN_SECONDS) throw new MissiveError('invalid_argument', `a token lives 60 to ${MAX_TOKEN_SECONDS} seconds`);
  const now = ctx.clock();
  if ((await liveAccessTokensOf(ctx.sql.read, userId, now)).length >= MAX_LIVE_TOKENS) throw new MissiveError('conflict', `at most ${MAX_LIVE_TOKENS} live tokens: revoke some, or let them expire`);
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = newId('tok');
  const expiresAt = now + lifetime * 1000;
  await ctx.sql.write(async (trx) => {
    await insertAccessToken(trx, { id, user_id: userId, label, token_digest: digestOf(ctx, token), created_at: now, expires_at: expiresAt, revoked_at: null });
    await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'access-token.issue', target: id, result: 'ok', detail: { label, lifetime } });
  });
  return { id, label, createdAt: now, expiresAt, token };
}

export async function listAccessTokens(ctx: ServiceContext, userId: string): Promise<AccessTokenView[]> {
  return (await liveAccessTokensOf(ctx.sql.read, userId, ctx.clock())).map((row) => ({ id: row.id, label: row.label, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }));
}

export async function revokeAccessToken(ctx: ServiceContext, userId: string, id: string): Promise<void> {
  const now = ctx.clock();
  const revoked = await ctx.sql.write(async (trx) => {
    const count = await revokeRow(trx, userId, id, now);
    if (count > 0) await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'access-token.revoke', target: id, result: 'ok' });
    return count;
  });
  if (revoked === 0) throw new MissiveError('not_found', 'no such live token among yours');
}

/**
 * For SASL bearer mechanisms: the token's user, who must be the one the client names (by user id
 * or personal address) when it names one; `unauthorized` otherwise (unknown, expired, revoked and
 * someone else's look alike).
 */
export async function authenticateAccessToken(ctx: ServiceContext, login: string | null, token: string): Promise<{ principal: Principal; userId: string }> {
  const fail = () => new MissiveError('unauthorized', 'invalid or expired token');
  if (!token.startsWith(PREFIX) || token.length > 200) throw fail();
  const row = await liveAccessTokenByDigest(ctx.sql.read, digestOf(ctx, token), ctx.clock());
  if (!row) throw fail();
  // A disabled account's tokens die with it.
  const user = await resolveUser(ctx, login ?? row.user_id);
  if (!user || user.id !== row.user_id) throw fail();
  return { principal: { kind: 'user', userId: row.user_id }, userId: row.user_id };
}
