import type { Selectable } from 'kysely';
import type { OtpChallengeTable, SessionTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type ChallengeRow = Selectable<OtpChallengeTable>;
export type SessionRow = Selectable<SessionTable>;

export async function insertChallenge(q: Queryable, challenge: ChallengeRow): Promise<void> {
  await q.insertInto('otp_challenge').values(challenge).execute();
}

export async function findChallenge(q: Queryable, id: string): Promise<ChallengeRow | undefined> {
  return q.selectFrom('otp_challenge').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Counts one try; returns the tries now used, or null if the challenge is gone or already used. */
export async function countAttempt(q: Queryable, id: string): Promise<number | null> {
  const row = await q
    .updateTable('otp_challenge')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .returning('attempts')
    .executeTakeFirst();
  return row ? row.attempts : null;
}

/** Marks the challenge used; false if someone else used it first. */
export async function consumeChallenge(q: Queryable, id: string, at: number): Promise<boolean> {
  const result = await q.updateTable('otp_challenge').set({ consumed_at: at }).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertSession(q: Queryable, session: SessionRow): Promise<void> {
  await q.insertInto('session').values(session).execute();
}

/**
 * The session behind a token digest if it is live — not revoked, not expired, its user not
 * disabled — in one query: every authenticated request starts here.
 */
export async function liveSessionByDigest(q: Queryable, digest: string, now: number): Promise<Pick<SessionRow, 'id' | 'user_id' | 'last_seen_at'> | undefined> {
  return q
    .selectFrom('session as s')
    .innerJoin('user_account as u', 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 's.last_seen_at'])
    .where('s.token_digest', '=', digest)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function sessionsOfUser(q: Queryable, userId: string, now: number): Promise<SessionRow[]> {
  return q
    .selectFrom('session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function touchSession(q: Queryable, id: string, at: number): Promise<void> {
  await q.updateTable('session').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/** Revokes sessions of a user: one (by id), or all but one (`except`), or all. Returns how many. */
export async function revokeSessions(q: Queryable, userId: string, at: number, which: { id?: string; except?: string } = {}): Promise<number> {
  let update = q.updateTable('session').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (which.id !== undefined) update = update.where('id', '=', which.id);
  if (which.except !== undefined) update = update.where('id', '!=', which.except);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type Throttle = { failures: number; lockedUntil: number };

export async function findThrottle(q: Queryable, key: string): Promise<Throttle | undefined> {
  const row = await q.selectFrom('login_throttle').select(['failures', 'locked_until']).where('key', '=', key).executeTakeFirst();
  return row ? { failures: row.failures, lockedUntil: row.locked_until } : undefined;
}

export async function saveThrottle(q: Queryable, key: string, throttle: Throttle, at: number): Promise<void> {
  const values = { failures: throttle.failures, locked_until: throttle.lockedUntil, updated_at: at };
  await q.insertInto('login_throttle').values({ key, ...values }).onConflict((c) => c.column('key').doUpdateSet(values)).execute();
}

export async function clearThrottle(q: Queryable, key: string): Promise<void> {
  await q.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export async function updatePasswordHash(q: Queryable, userId: string, hash: string): Promise<void> {
  await q.updateTable('user_account').set({ password_hash: hash }).where('id', '=', userId).execute();
}
