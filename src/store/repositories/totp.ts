import type { Selectable } from 'kysely';
import type { TotpCredentialTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type TotpRow = Selectable<TotpCredentialTable>;

export async function findTotp(q: Queryable, userId: string): Promise<TotpRow | undefined> {
  return q.selectFrom('totp_credential').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/**
 * Stores a new pending (unconfirmed) secret, replacing a pending one. False when the user's
 * credential is confirmed: an enabled factor is only removed knowing it, never overwritten.
 */
export async function savePendingTotp(q: Queryable, userId: string, secretSealed: Buffer, at: number): Promise<boolean> {
  const row = await q
    .insertInto('totp_credential')
    .values({ user_id: userId, secret_sealed: secretSealed, confirmed_at: null, last_step: null, created_at: at })
    .onConflict((c) =>
      c
        .column('user_id')
        .doUpdateSet({ secret_sealed: secretSealed, last_step: null, created_at: at })
        .where('totp_credential.confirmed_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Enables the pending secret that was checked (`secretSealed`), recording the step its code
 * used. False if that secret is no longer the pending one (replaced or confirmed meanwhile).
 */
export async function confirmTotp(q: Queryable, userId: string, secretSealed: Buffer, step: number, at: number): Promise<boolean> {
  const result = await q
    .updateTable('totp_credential')
    .set({ confirmed_at: at, last_step: step })
    .where('user_id', '=', userId)
    .where('secret_sealed', '=', secretSealed)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Spends a time step of the enabled secret that was checked: true only if the step is later
 * than every step accepted before, so each code works once even when two requests race.
 */
export async function acceptTotpStep(q: Queryable, userId: string, secretSealed: Buffer, step: number): Promise<boolean> {
  const result = await q
    .updateTable('totp_credential')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('secret_sealed', '=', secretSealed)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes the user's credential if it still holds this secret; false otherwise. */
export async function deleteTotp(q: Queryable, userId: string, secretSealed: Buffer): Promise<boolean> {
  const result = await q.deleteFrom('totp_credential').where('user_id', '=', userId).where('secret_sealed', '=', secretSealed).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// Wrong codes against a pending secret are counted in the failure-count table, under their own
// key: the credential row has no counter, and a new setup starts the count again.
const confirmKey = (userId: string): string => `totp-confirm:${userId}`;

/** Counts one confirmation try (atomically); returns the tries now used. */
export async function countConfirmAttempt(q: Queryable, userId: string, at: number): Promise<number> {
  const row = await q
    .insertInto('login_throttle')
    .values({ key: confirmKey(userId), failures: 1, locked_until: 0, updated_at: at })
    .onConflict((c) => c.column('key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), updated_at: at })))
    .returning('failures')
    .executeTakeFirstOrThrow();
  return row.failures;
}

export async function clearConfirmAttempts(q: Queryable, userId: string): Promise<void> {
  await q.deleteFrom('login_throttle').where('key', '=', confirmKey(userId)).execute();
}

/** Removes whatever credential the user has (an administrator's reset after a lost phone). */
export async function dropTotp(q: Queryable, userId: string): Promise<boolean> {
  const result = await q.deleteFrom('totp_credential').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
