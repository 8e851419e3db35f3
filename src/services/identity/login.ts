import { randomBytes, type KeyObject } from 'node:crypto';
import { addressKeyOrNull } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { CODE_MAX_ATTEMPTS, CODE_TTL_MS, codeDigest, codeMatches, newCode } from '../../core/one-time-code.ts';
import { deriveSubkey } from '../../store/crypto/derive.ts';
import { newId } from '../../store/ids.ts';
import { findMailboxByKey, findUser, membersOf, type UserRow } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { clearThrottle, consumeChallenge, countAttempt, findChallenge, insertChallenge, type ChallengeRow } from '../../store/repositories/identity.ts';
import { acceptTotpStep } from '../../store/repositories/totp.ts';
import type { ServiceContext } from '../context.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { createSession, type NewSession } from './sessions.ts';
import { accountKey, recordFailure, refuseIfLocked, sourceKey } from './throttling.ts';
import { checkTotpCode, hasEnabledTotp } from './totp.ts';

export type LoginMethod = 'email' | 'totp';
export type LoginStart = { challengeId: string; expiresAt: number; sentTo: string; method: LoginMethod };

// A TOTP challenge has no code of its own: this marker stands where an e-mailed code's digest
// would be (a hex digest is never this word) and tells verification to ask the app's code.
// The method is fixed when the challenge is made, so enrolling meanwhile changes nothing.
const TOTP_CHALLENGE = 'totp';

/**
 * Step one: identifier (user id, or the address of the user's personal mailbox) and password.
 * On success a 6-digit code goes to the user's usual e-mail through the notifier, or, for a
 * user with a confirmed authenticator app, nothing is sent and step two asks for the app's
 * code. Failures are counted per account and per source, with back-off; the answer never says
 * which part was wrong.
 */
export async function startLogin(ctx: ServiceContext, request: { identifier: string; password: string; source: string }): Promise<LoginStart> {
  const now = ctx.clock();
  const user = await resolveUser(ctx, request.identifier);
  // Counted per account (the user, however named) and per source address.
  const keys = [accountKey(user?.id ?? request.identifier.trim().toLowerCase()), sourceKey(request.source)];
  await refuseIfLocked(ctx, keys, now);
  // Unknown users cost the same scrypt as known ones: timing does not tell which exist.
  const ok = await verifyPassword(request.password, user?.password_hash ?? (await dummyHash()));
  if (!user || !user.password_hash || !ok) {
    await recordFailure(ctx, keys, now, 'login.password', user?.id ?? null);
    throw new MissiveError('unauthorized', 'wrong identifier or password');
  }
  const method: LoginMethod = (await hasEnabledTotp(ctx, user.id)) ? 'totp' : 'email';
  if (method === 'email' && !user.notify_email) {
    throw new MissiveError('invalid_argument', 'no usual e-mail address is on file for this account: ask your administrator');
  }
  const challengeId = newId('otp');
  const code = method === 'email' ? newCode() : null;
  const expiresAt = now + CODE_TTL_MS;
  await ctx.sql.write(async (trx) => {
    await insertChallenge(trx, {
      id: challengeId,
      user_id: user.id,
      code_digest: code === null ? TOTP_CHALLENGE : codeDigest(codeKey(ctx), challengeId, code),
      attempts: 0,
      expires_at: expiresAt,
      consumed_at: null,
      created_at: now,
    });
    await appendAudit(trx, { at: now, actor: `user:${user.id}`, action: 'login.password', target: user.id, result: 'ok', detail: { source: request.source, method } });
  });
  if (code === null) return { challengeId, expiresAt, sentTo: '', method };
  await ctx.notifier.send({
    channel: 'email',
    to: user.notify_email!,
    subject: 'Votre code de connexion Missive',
    text: [
      `Votre code de connexion Missive : ${code}`,
      '',
      'Il est valable 10 minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message et prévenez votre administrateur.',
      '',
      `Your Missive sign-in code: ${code} (valid for 10 minutes).`,
    ].join('\n'),
  });
  return { challengeId, expiresAt, sentTo: maskAddress(user.notify_email!), method };
}

/**
 * Step two: the e-mailed code, or the authenticator app's for a TOTP challenge. Five wrong
 * tries, or ten minutes, and the challenge is dead.
 */
export async function completeLogin(
  ctx: ServiceContext,
  request: { challengeId: string; code: string; source: string; userAgent?: string },
): Promise<NewSession> {
  const now = ctx.clock();
  const source = sourceKey(request.source);
  await refuseIfLocked(ctx, [source], now);
  const challenge = await findChallenge(ctx.sql.read, request.challengeId);
  if (!challenge || challenge.consumed_at !== null || challenge.expires_at <= now) {
    throw new MissiveError('unauthorized', 'this code is no longer valid: log in again');
  }
  const attempts = await ctx.sql.write((trx) => countAttempt(trx, challenge.id));
  if (attempts === null || attempts > CODE_MAX_ATTEMPTS) {
    throw new MissiveError('unauthorized', 'too many wrong codes: log in again');
  }
  const keys = [source, accountKey(challenge.user_id)];
  const action = challenge.code_digest === TOTP_CHALLENGE ? 'login.totp' : 'login.code';
  const check = await checkCode(ctx, challenge, request.code.trim(), now);
  const refuse = async (reason: 'wrong' | 'replayed'): Promise<never> => {
    await recordFailure(ctx, keys, now, action, challenge.user_id);
    const left = CODE_MAX_ATTEMPTS - attempts;
    if (left === 0) throw new MissiveError('unauthorized', 'too many wrong codes: log in again');
    const tries = `${left} ${left === 1 ? 'try' : 'tries'} left`;
    throw new MissiveError('unauthorized', reason === 'replayed' ? `this code was already used: wait for the next one (${tries})` : `wrong code (${tries})`);
  };
  if (check.kind !== 'ok') return refuse(check.kind);
  const spent = await spend(ctx, challenge, check, keys, now, request.source);
  if (spent === 'consumed') throw new MissiveError('unauthorized', 'this code is no longer valid: log in again');
  if (spent === 'replayed') return refuse('replayed');
  return createSession(ctx, { userId: challenge.user_id, source: request.source, userAgent: request.userAgent ?? null });
}

type CodeCheck = { kind: 'ok'; totp: { step: number; sealed: Buffer } | null } | { kind: 'wrong' | 'replayed' };

// Thrown inside the transaction to undo the challenge's consumption.
class StepAlreadySpent extends Error {}

/**
 * Uses the challenge and, for TOTP, spends the code's step, in one transaction: of two
 * requests racing with one code, one wins and the other is refused with nothing changed.
 */
async function spend(ctx: ServiceContext, challenge: ChallengeRow, check: Extract<CodeCheck, { kind: 'ok' }>, keys: readonly string[], now: number, source: string): Promise<'ok' | 'consumed' | 'replayed'> {
  try {
    return await ctx.sql.write(async (trx) => {
      if (!(await consumeChallenge(trx, challenge.id, now))) return 'consumed';
      if (check.totp) {
        if (!(await acceptTotpStep(trx, challenge.user_id, check.totp.sealed, check.totp.step))) throw new StepAlreadySpent();
        await appendAudit(trx, { at: now, actor: `user:${challenge.user_id}`, action: 'login.totp', target: challenge.user_id, result: 'ok', detail: { source } });
      }
      for (const key of keys) await clearThrottle(trx, key);
      return 'ok';
    });
  } catch (error) {
    if (error instanceof StepAlreadySpent) return 'replayed';
    throw error;
  }
}

async function checkCode(ctx: ServiceContext, challenge: ChallengeRow, code: string, now: number): Promise<CodeCheck> {
  if (challenge.code_digest !== TOTP_CHALLENGE) {
    return codeMatches(codeKey(ctx), challenge.id, code, challenge.code_digest) ? { kind: 'ok', totp: null } : { kind: 'wrong' };
  }
  const check = await checkTotpCode(ctx, challenge.user_id, code, now);
  return check.kind === 'ok' ? { kind: 'ok', totp: { step: check.step, sealed: check.sealed } } : check;
}

/** The user behind an identifier: a user id, or the address of a personal mailbox (its holder). */
export async function resolveUser(ctx: ServiceContext, identifier: string): Promise<UserRow | undefined> {
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

function codeKey(ctx: ServiceContext): KeyObject {
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
