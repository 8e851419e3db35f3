import { MissiveError } from '../../core/errors.ts';
import { CODE_MAX_ATTEMPTS } from '../../core/one-time-code.ts';
import { CryptoError } from '../../store/crypto/crypto-error.ts';
import { openRecord, sealRecord } from '../../store/crypto/sealed-record.ts';
import { findUser } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { revokeSessions } from '../../store/repositories/identity.ts';
import {
  clearConfirmAttempts,
  confirmTotp,
  countConfirmAttempt,
  deleteTotp,
  dropTotp,
  findTotp,
  savePendingTotp,
  type TotpRow,
} from '../../store/repositories/totp.ts';
import type { ServiceContext } from '../context.ts';
import { verifyPassword } from './password.ts';
import { accountKey, recordFailure, refuseIfLocked, sourceKey } from './throttling.ts';
import { base32Of, matchStep, newTotpSecret, otpauthUri } from './totp-code.ts';

/**
 * A TOTP second factor (an authenticator app) in place of the e-mailed code. Setting it up
 * takes the password; it counts only once confirmed with a code from the app; removing it
 * takes the password and a code. Every use case acts on the caller's own credential only.
 */

// The secret is sealed under a key for this purpose and bound to its owner: a sealed value
// copied onto another user's row does not open there.
const PURPOSE = 'totp';

export type TotpStatus = { enabled: boolean; pending: boolean };
export type TotpEnrolment = { secret: string; uri: string };
export type TotpCheck = { kind: 'ok'; step: number; sealed: Buffer } | { kind: 'replayed' } | { kind: 'wrong' };

export async function totpStatus(ctx: ServiceContext, userId: string): Promise<TotpStatus> {
  const row = await findTotp(ctx.sql.read, userId);
  return { enabled: isEnabled(row), pending: row !== undefined && row.confirmed_at === null };
}

/** True when login must ask for the app's code rather than e-mail one. */
export async function hasEnabledTotp(ctx: ServiceContext, userId: string): Promise<boolean> {
  return isEnabled(await findTotp(ctx.sql.read, userId));
}

/** Starts (or starts again) an enrolment: a new secret, shown once, pending until confirmed. */
export async function setUpTotp(ctx: ServiceContext, request: { userId: string; password: string; source: string }): Promise<TotpEnrolment> {
  const now = ctx.clock();
  await checkPassword(ctx, request, now, 'totp.setup');
  const existing = await findTotp(ctx.sql.read, request.userId);
  if (isEnabled(existing)) throw alreadyEnabled();
  const secret = newTotpSecret();
  const sealed = sealRecord(ctx.kek, PURPOSE, request.userId, secret);
  await ctx.sql.write(async (trx) => {
    if (!(await savePendingTotp(trx, request.userId, sealed, now))) throw alreadyEnabled();
    await clearConfirmAttempts(trx, request.userId);
    await appendAudit(trx, {
      at: now,
      actor: `user:${request.userId}`,
      action: 'totp.setup',
      target: request.userId,
      result: 'ok',
      detail: { source: request.source, replacedPending: existing !== undefined },
    });
  });
  return { secret: base32Of(secret), uri: otpauthUri(request.userId, secret) };
}

/** Enables the pending secret with a code from the app; five wrong codes discard it. */
export async function confirmTotpSetup(ctx: ServiceContext, request: { userId: string; code: string }): Promise<void> {
  const now = ctx.clock();
  const row = await findTotp(ctx.sql.read, request.userId);
  if (isEnabled(row)) throw alreadyEnabled();
  if (!row) throw new MissiveError('conflict', 'no authenticator app is waiting for confirmation: set one up first');
  const sealed = Buffer.from(row.secret_sealed);
  const attempts = await ctx.sql.write((trx) => countConfirmAttempt(trx, request.userId, now));
  const check = attempts > CODE_MAX_ATTEMPTS ? ({ kind: 'wrong' } as const) : checkRow(ctx, row, request.code.trim(), now);
  if (check.kind === 'ok') {
    await ctx.sql.write(async (trx) => {
      if (!(await confirmTotp(trx, request.userId, sealed, check.step, now))) {
        throw new MissiveError('conflict', 'this set-up was replaced or already confirmed: check the app settings again');
      }
      await clearConfirmAttempts(trx, request.userId);
      await appendAudit(trx, { at: now, actor: `user:${request.userId}`, action: 'totp.confirm', target: request.userId, result: 'ok' });
    });
    return;
  }
  const left = Math.max(CODE_MAX_ATTEMPTS - attempts, 0);
  await ctx.sql.write(async (trx) => {
    // Out of tries: the pending secret goes, and a new set-up (password again) is needed.
    if (left === 0) {
      await deleteTotp(trx, request.userId, sealed);
      await clearConfirmAttempts(trx, request.userId);
    }
    await appendAudit(trx, {
      at: now,
      actor: `user:${request.userId}`,
      action: 'totp.confirm',
      target: request.userId,
      result: 'refused',
      detail: { errorCode: 'unauthorized', triesLeft: left, discarded: left === 0 },
    });
  });
  throw new MissiveError('unauthorized', left > 0 ? `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)` : 'too many wrong codes: set up the app again');
}

/** Removes the enabled factor; both the password and a fresh code are required. */
export async function removeTotp(ctx: ServiceContext, request: { userId: string; password: string; code: string; source: string }): Promise<void> {
  const now = ctx.clock();
  await checkPassword(ctx, request, now, 'totp.remove');
  const row = await findTotp(ctx.sql.read, request.userId);
  if (!row || row.confirmed_at === null) throw new MissiveError('not_found', 'no authenticator app is enabled');
  const check = checkRow(ctx, row, request.code.trim(), now);
  if (check.kind !== 'ok') {
    // Guesses here cost like guesses at login: the code is the last thing standing.
    await recordFailure(ctx, [accountKey(request.userId), sourceKey(request.source)], now, 'totp.remove', request.userId);
    throw new MissiveError('unauthorized', check.kind === 'replayed' ? 'this code was already used: wait for the next one' : 'wrong code');
  }
  await ctx.sql.write(async (trx) => {
    if (!(await deleteTotp(trx, request.userId, check.sealed))) throw new MissiveError('conflict', 'the authenticator app changed meanwhile: try again');
    await clearConfirmAttempts(trx, request.userId);
    await appendAudit(trx, { at: now, actor: `user:${request.userId}`, action: 'totp.remove', target: request.userId, result: 'ok', detail: { source: request.source } });
  });
}

/**
 * Checks a login code against the user's enabled secret. The step is not spent here: the
 * caller spends it (`acceptTotpStep`) in the transaction that consumes its challenge.
 */
export async function checkTotpCode(ctx: ServiceContext, userId: string, code: string, now: number): Promise<TotpCheck> {
  const row = await findTotp(ctx.sql.read, userId);
  if (!row || row.confirmed_at === null) return { kind: 'wrong' };
  return checkRow(ctx, row, code, now);
}

function checkRow(ctx: ServiceContext, row: TotpRow, code: string, now: number): TotpCheck {
  const sealed = Buffer.from(row.secret_sealed);
  let secret: Buffer;
  try {
    secret = openRecord(ctx.kek, PURPOSE, row.user_id, sealed);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    // Tampering or a row moved between users: no code can match a secret that does not open.
    ctx.log.warn('a TOTP secret does not authenticate', { userId: row.user_id });
    return { kind: 'wrong' };
  }
  const match = matchStep(secret, code, now, row.last_step);
  return match.kind === 'ok' ? { kind: 'ok', step: match.step, sealed } : match;
}

async function checkPassword(ctx: ServiceContext, request: { userId: string; password: string; source: string }, now: number, action: string): Promise<void> {
  const keys = [accountKey(request.userId), sourceKey(request.source)];
  await refuseIfLocked(ctx, keys, now);
  const user = await findUser(ctx.sql.read, request.userId);
  const ok = user?.password_hash ? await verifyPassword(request.password, user.password_hash) : false;
  if (!ok) {
    await recordFailure(ctx, keys, now, action, request.userId);
    throw new MissiveError('unauthorized', 'the password is not right');
  }
}

function isEnabled(row: TotpRow | undefined): boolean {
  return row !== undefined && row.confirmed_at !== null;
}

function alreadyEnabled(): MissiveError {
  return new MissiveError('conflict', 'an authenticator app is already enabled: remove it first to set up another');
}

/**
 * An administrator's reset after a lost phone: the app is forgotten, the next login goes back to
 * the e-mailed code, and every open session ends (whoever holds the phone may hold one).
 */
export async function resetTotp(ctx: ServiceContext, request: { userId: string; operator: string }): Promise<void> {
  const now = ctx.clock();
  const user = await findUser(ctx.sql.read, request.userId);
  if (!user) throw new MissiveError('not_found', `no user ${request.userId}`);
  const removed = await ctx.sql.write(async (trx) => {
    const dropped = await dropTotp(trx, user.id);
    await clearConfirmAttempts(trx, user.id);
    const sessions = await revokeSessions(trx, user.id, now, {});
    await appendAudit(trx, { at: now, actor: `operator:${request.operator}`, action: 'totp.reset', target: user.id, result: dropped ? 'ok' : 'refused', detail: { sessionsEnded: sessions } });
    return dropped;
  });
  if (!removed) throw new MissiveError('not_found', `${user.id} has no authenticator app`);
}
