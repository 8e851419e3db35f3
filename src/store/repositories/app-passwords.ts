import type { Selectable } from 'kysely';
import type { AppPasswordTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type AppPasswordRow = Selectable<AppPasswordTable>;

export async function insertAppPassword(q: Queryable, row: AppPasswordRow): Promise<void> {
  await q.insertInto('app_password').values(row).execute();
}

export async function appPasswordsOf(q: Queryable, userId: string): Promise<AppPasswordRow[]> {
  return q.selectFrom('app_password').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').execute();
}

export async function liveAppPasswordByDigest(q: Queryable, digest: string): Promise<AppPasswordRow | undefined> {
  return q.selectFrom('app_password').selectAll().where('secret_digest', '=', digest).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Revokes one of a user's passwords; 0 when it is not theirs or already revoked. */
export async function revokeAppPassword(q: Queryable, userId: string, id: string, at: number): Promise<number> {
  const result = await q.updateTable('app_password').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function touchAppPassword(q: Queryable, id: string, at: number): Promise<void> {
  await q.updateTable('app_password').set({ last_used_at: at }).where('id', '=', id).execute();
}
