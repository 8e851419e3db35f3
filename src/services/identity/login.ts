import { randomBytes } from 'node:crypto';
import { addressKeyOrNull } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { CODE_MAX_ATTEMPTS, CODE_TTL_MS, codeDigest, codeMatches, newCode } from '../../core/one-time-code.ts';
import { lockAfter } from '../../core/throttle.ts';
import { deriveSubkey } from '../../store/crypto/derive.ts';
import { newId } from '../../store/ids.ts';
import { findMailboxByKey, findUser, membersOf, type UserRow } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { clearThrottle, consumeChallenge, countAttempt, findChallenge, findThrottle, insertChallenge, saveThrottle } from '../../store/repositories/identity.ts';
import type { ServiceContext } from '../context.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { createSession, type NewSession } from './sessions.ts';

export type LoginStart = { challengeId: string; expiresAt: number; sentTo: string };

/**
 * Step one: identifier (user id, or the address of the user's personal mailbox) and password.
 * On success a 6-digit code goes to the user's usual e-mail through the notifier. Failures are
 * counted per account and per source, with back-off; the answer never says which part was wrong.
 */
export async function startLogin(ctx: ServiceContext, request: { identifier: string; password: string; source: string }): Promise<LoginStart> {
  const now = ctx.clock();
  const user = await resolveUser(ctx, request.identifier);
  // Counted per account (the user, however named) and per source address.
  const accountKey = `account:${user?.id ?? request.identifier.trim().toLowerCase()}`;
  const sourceKey = `source:${request.source}`;
  await refuseIfLocked(ctx, [accountKey, sourceKey], now);
  // Unknown users cost the same scrypt as known ones: timing does not tell which exist.
  const ok = await verifyPassword(request.password, user?.password_hash ?? (await dummyHash()));
  if (!user || !user.password_hash || !ok) {
    await recordFailure(ctx, [accountKey, sourceKey], now, 'login.password', user?.id ?? null);
    throw new MissiveError('unauthorized', 'wrong identifier or password');
  }
  if (!user.notify_email) {
    throw new MissiveError('invalid_argument', 'no usual e-mail address is on file for this account: ask your administrator');
  }
  const challengeId = newId('otp');
  const code = newCode();
  const expiresAt = now + CODE_TTL_MS;
  await ctx.sql.write(async (trx) => {
    await insertChallenge(trx, {
      id: challengeId,
      user_id: user.id,
      code_digest: codeDigest(codeKey(ctx), challengeId, code),
      attempts: 0,
      expires_at: expiresAt,
      consumed_at: null,
      created_at: now,
    });
    await appendAudit(trx, { at: now, actor: `user:${user.id}`, action: 'login.password', target: user.id, result: 'ok', detail: { source: request.source } });
  });
  await ctx.notifier.send({
    channel: 'email',
    to: user.notify_email,
    subject: 'Votre code de connexion Missive',
    text: [
      `Votre code de connexion Missive : ${code}`,
      '',
      'Il est valable 10 minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message et prévenez votre administrateur.',
      '',
      `Your Missive sign-in code: ${code} (valid for 10 minutes).`,
    ].join('\n'),
  });
  return { challengeId, expiresAt, sentTo: maskAddress(user.notify_email) };
}

/** Step two: the code. Five wrong tries, or ten minutes, and the challenge is dead. */
export async function completeLogin(
  ctx: ServiceContext,
  request: { challengeId: string; code: string; source: string; userAgent?: string },
): Promise<NewSession> {
  const now = ctx.clock();
  const sourceKey = `source:${request.source}`;
  await refuseIfLocked(ctx, [sourceKey], now);
  const challenge = await findChallenge(ctx.sql.read, request.challengeId);
  if (!challenge || challenge.consumed_at !== null || challenge.expires_at <= now) {
    throw new MissiveError('unauthorized', 'this code is no longer valid: log in again');
  }
  const attempts = await ctx.sql.write((trx) => countAttempt(trx, challenge.id));
  if (attempts === null || attempts > CODE_MAX_ATTEMPTS) {
    throw new MissiveError('unauthorized', 'too many wrong codes: log in again');
  }
  const accountKey = `account:${challenge.user_id}`;
  if (!codeMatches(codeKey(ctx), challenge.id, request.code.trim(), challenge.code_digest)) {
    await recordFailure(ctx, [sourceKey, accountKey], now, 'login.code', challenge.user_id);
    const left = CODE_MAX_ATTEMPTS - attempts;
    throw new MissiveError('unauthorized', left > 0 ? `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)` : 'too many wrong codes: log in again');
  }
  if (!(await ctx.sql.write((trx) => consumeChallenge(trx, challenge.id, now)))) {
    throw new MissiveError('unauthorized', 'this code is no longer valid: log in again');
  }
  await ctx.sql.write(async (trx) => {
    await clearThrottle(trx, sourceKey);
    await clearThrottle(trx, accountKey);
  });
  return createSession(ctx, { userId: challenge.user_id, source: request.source, userAgent: request.userAgent ?? null });
}

/** The user behind an identifier: a user id, or the address of a personal mailbox (its holder). */
async function resolveUser(ctx: ServiceContext, identifier: string): Promise<UserRow | undefined> {
  const text = identifier.trim();
  let userId = text.toLowerCase();
  if (text.includes('@')) {
    const key = addressKeyOrNull(text);
    const mailbox = key ? await findMailboxByKey(ctx.sql.read, key) : undefined;
    const members = mailbox?.kind === 'PER' ? await membersOf(ctx.sql.read, mailbox.id) : [];
    if (members.length !== 1) return undefined;
    userId = members[0]!.userId;
  }
  const user = await findUser(ctx.sql.read, userId);
  return user && user.disabled_at === null ? user : undefined;
}

async function refuseIfLocked(ctx: ServiceContext, keys: readonly string[], now: number): Promise<void> {
  for (const key of keys) {
    const throttle = await findThrottle(ctx.sql.read, key);
    if (throttle && throttle.lockedUntil > now) {
      const minutes = Math.ceil((throttle.lockedUntil - now) / 60_000);
      throw new MissiveError('rate_limited', `too many failed attempts: try again in ${minutes} minute${minutes > 1 ? 's' : ''}`, { retryAfterMs: throttle.lockedUntil - now });
    }
  }
}

async function recordFailure(ctx: ServiceContext, keys: readonly string[], now: number, action: string, userId: string | null): Promise<void> {
  await ctx.sql.write(async (trx) => {
    for (const key of keys) {
      const failures = ((await findThrottle(trx, key))?.failures ?? 0) + 1;
      await saveThrottle(trx, key, { failures, lockedUntil: now + lockAfter(failures) }, now);
    }
    await appendAudit(trx, { at: now, actor: userId ? `user:${userId}` : 'anonymous', action, target: userId, result: 'refused', detail: { errorCode: 'unauthorized' } });
  });
}

function codeKey(ctx: ServiceContext): Buffer {
  return deriveSubkey(ctx.kek, 'one-time-code/v1');
}

let dummy: Promise<string> | null = null;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}

/** e.g. "e•••••@exemple.fr": enough for the user to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${address[0]}${'•'.repeat(Math.min(Math.max(at - 1, 3), 8))}${address.slice(at)}`;
}
