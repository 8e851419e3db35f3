import type { Insertable, Selectable } from 'kysely';
import type { AccessTokenTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type AccessTokenRow = Selectable<AccessTokenTable>;

export async function insertAccessToken(q: Queryable, row: Insertable<AccessTokenTable>): Promise<void> {
  await q.insertInto('access_token').values(row).execute();
}

/** A token by its digest, if it is neither revoked nor expired at `now`. */
export async function liveAccessTokenByDigest(q: Queryable, digest: string, now: number): Promise<AccessTokenRow | undefined> {
  return q.selectFrom('access_token').selectAll().where('token_digest', '=', digest).where('revoked_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
}

export async function liveAccessTokensOf(q: Queryable, userId: string, now: number): Promise<AccessTokenRow[]> {
  return q.selectFrom('access_token').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now).orderBy('created_at').execute();
}

export async function revokeAccessToken(q: Queryable, userId: string, id: string, now: number): Promise<number> {
  const result = await q.updateTable('access_token').set({ revoked_at: now }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
